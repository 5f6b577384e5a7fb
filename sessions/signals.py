"""The hooks Django and the groups app leave for what sessions must do when people's access changes.

The groups app may not import this one, and Django's own events (logout, a cascade
on deleting an account) have no caller of ours: so these receivers are the hook,
and each hands over to one action.
"""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from groups.models import AgreementAcceptance, Membership
from groups.signals import agreements_changed, group_started

from .actions.access import recheck_access
from .actions.traject import hand_over_meetings, mail_schedule


@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    recheck_access([instance.user_id])


@receiver(post_delete, sender=Membership)
def membership_ended(sender, instance: Membership, **kwargs) -> None:
    hand_over_meetings(instance.group, instance.user_id)


@receiver(post_save, sender=AgreementAcceptance)
def agreements_accepted(sender, instance: AgreementAcceptance, **kwargs) -> None:
    recheck_access([instance.user_id])  # the phone may now show case content


@receiver(agreements_changed)
def agreements_renewed(sender, group, **kwargs) -> None:
    recheck_access(
        group.memberships.values_list("user_id", flat=True)
    )  # the phones stop showing case content


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        recheck_access([user.pk])


@receiver(group_started)
def group_started_with_meetings(sender, group, absolute, **kwargs) -> None:
    mail_schedule(group, absolute("/").rstrip("/"))  # planned while a draft: to the calendars now
