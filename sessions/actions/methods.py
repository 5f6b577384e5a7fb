"""A facilitator's own methods: a copy of one, and its adjusted phases."""

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from ..models import Method


def copy_method(method: Method, user) -> Method:
    """A copy the person can adjust; the phases keep their keys and rules."""
    return method.copy_for(user)


def _save_phases(method: Method, formset) -> None:
    """Keep the order on screen; a new phase gets a key from its name, unique in the method."""
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    deleted = set(formset.deleted_forms)
    kept = [f for f in formset.forms if f not in deleted and (f.instance.pk or f.has_changed())]
    keys = {form.instance.key for form in kept if form.instance.pk}
    method.phases.update(order=F("order") + 1000)  # out of the way: the order is unique in a method
    for order, form in enumerate(kept):
        phase = form.save(commit=False)
        phase.method, phase.order = method, order
        if not phase.key:
            base = slugify(phase.name_nl)[:40] or "fase"
            phase.key, number = base, 2
            while phase.key in keys:
                phase.key, number = f"{base}-{number}", number + 1
            keys.add(phase.key)
        phase.save()


def save_method(form, formset) -> None:
    """The method's names and descriptions, and its phases in the order on screen."""
    with transaction.atomic():
        method = form.save()
        _save_phases(method, formset)
