"""Open sockets recheck their access when a person's access changes."""

from django.contrib.auth.signals import user_logged_out
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from groups.agreements import agreements_changed
from groups.models import AgreementAcceptance, Membership

from . import broadcast
from .models import Meeting


@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    broadcast.access_changed(instance.user_id)


@receiver(post_delete, sender=Membership)
def hand_over_meetings(sender, instance: Membership, **kwargs) -> None:
    """Planned meetings of somebody who left the group go to the group's facilitator."""
    facilitator = instance.group.facilitator
    if facilitator is not None and facilitator.pk != instance.user_id:
        Meeting.objects.filter(
            group_id=instance.group_id, facilitator_id=instance.user_id, status=Meeting.Status.SCHEDULED
        ).update(facilitator=facilitator, sequence=F("sequence") + 1)


@receiver(post_save, sender=AgreementAcceptance)
def agreements_accepted(sender, instance: AgreementAcceptance, **kwargs) -> None:
    broadcast.access_changed(instance.user_id)  # the phone may now show case content


@receiver(agreements_changed)
def agreements_renewed(sender, group, **kwargs) -> None:
    for user_id in group.memberships.values_list("user_id", flat=True):
        broadcast.access_changed(user_id)  # the phones stop showing case content


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        broadcast.access_changed(user.pk)
