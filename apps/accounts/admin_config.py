from django.contrib.admin.apps import AdminConfig


class PolicyAdminConfig(AdminConfig):
    default_site = "apps.core.admin_site.PolicyAdminSite"
