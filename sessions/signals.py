"""Open sockets recheck their access when a person's access changes."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from groups.models import Membership

from . import broadcast


@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    broadcast.access_changed(instance.user_id)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        broadcast.access_changed(user.pk)
