"""Agreements (afspraken): proposed from templates, edited by the facilitator, accepted by members."""

urlpatterns = []
