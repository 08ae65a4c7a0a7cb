from django.contrib.admin.apps import AdminConfig


class PolicyAdminConfig(AdminConfig):
    default_site = "apps.accounts.admin_site.PolicyAdminSite"
