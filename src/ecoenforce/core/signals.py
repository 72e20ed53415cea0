"""Account changes that must end API tokens, wherever they are made (admin, password page, shell, CLI).

A signal rather than a service call because users are changed in several places Django owns (the admin's
user and password forms, `changepassword`, `set_password` in scripts); all of them go through `User.save`.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from ecoenforce.core.models import ApiToken, User

WATCHED = ("password", "role", "organization_id", "is_active", "is_superuser")


@receiver(pre_save, sender=User, dispatch_uid="core.user.remember_security_fields")
def remember_security_fields(sender, instance: User, update_fields=None, raw=False, **kwargs) -> None:
    instance._security_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {"password", "role", "organization", "is_active",
                                                               "is_superuser"}:
        return  # e.g. last_login on every sign-in: nothing that concerns tokens
    instance._security_before = User.objects.filter(pk=instance.pk).values(*WATCHED).first()


@receiver(post_save, sender=User, dispatch_uid="core.user.revoke_tokens_on_change")
def revoke_tokens_on_change(sender, instance: User, created: bool, raw=False, **kwargs) -> None:
    before = getattr(instance, "_security_before", None)
    instance._security_before = None
    if created or raw or before is None:
        return
    from ecoenforce.core.services import api_tokens_revoke_for_user

    if before["password"] != instance.password:
        reason, why = ApiToken.RevokedReason.PASSWORD_CHANGED, "password changed"
    elif before["is_active"] and not instance.is_active:
        reason, why = ApiToken.RevokedReason.DEACTIVATED, "account deactivated"
    elif (before["role"], before["organization_id"], before["is_superuser"]) != (
            instance.role, instance.organization_id, instance.is_superuser):
        reason, why = ApiToken.RevokedReason.ROLE_CHANGED, "role or organization changed"
    else:
        return
    api_tokens_revoke_for_user(user=instance, reason=reason, why=why)
