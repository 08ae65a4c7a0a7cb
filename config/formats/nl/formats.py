# Dates in running text and tables, the Dutch way: "21 nov 2026", month in lower case.
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
