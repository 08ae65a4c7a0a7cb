from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.models import ApiToken, User
from apps.accounts.services import api_tokens_revoke, user_create
from apps.audit.admin import AccessLoggedAdmin


class UserCreationForm(forms.ModelForm):
    """Staff accounts get no password here: the new colleague sets one via "forgot password"."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


@admin.register(User)
class UserAdmin(AccessLoggedAdmin):
    list_display = ("email", "first_name", "last_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    # The login address is changed by its owner through allauth (with verification), so the
    # verified address and the account never drift apart.
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "email") if obj else self.readonly_fields

    fieldsets = (
        (None, {"fields": ("email", "first_name", "last_name")}),
        (_("Role and access"), {"fields": ("role", "is_active")}),
        (_("History"), {"fields": ("last_login", "date_joined")}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UserCreationForm
            kwargs["fields"] = UserCreationForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": UserCreationForm.Meta.fields}),)
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = user_create(
            email=obj.email,
            role=obj.role,
            first_name=obj.first_name,
            last_name=obj.last_name,
            email_verified=True,
        )
        obj.pk = created.pk
        obj._state.adding = False


# allauth's own admins show TOTP secrets and write no access log: replace them.
for _model in (Authenticator, EmailAddress):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Authenticator)
class AuthenticatorAdmin(AccessLoggedAdmin):
    """See and remove a second factor (a lost phone), never its secret."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailAddress)
class EmailAddressAdmin(AccessLoggedAdmin):
    list_display = ("email", "user", "primary", "verified")
    list_filter = ("primary", "verified")
    search_fields = ("email", "user__email")
    fields = ("user", "email", "primary", "verified")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AccessLoggedAdmin):
    """Which partner tokens exist, until when, and when they were last used; revoke one
    with the action. The token itself is not stored, so it cannot be shown: a new one
    comes from `manage.py create_api_token`."""

    list_display = ("prefix", "partner", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("partner",)
    search_fields = ("prefix", "partner__name", "partner__account__email")
    fields = ("partner", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    list_select_related = ("partner",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Only the revoke action changes a token; its page is for reading.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay listed, with the moment

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = api_tokens_revoke(tokens=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
