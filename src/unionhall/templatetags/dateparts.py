"""``{% date_parts "held_on" id="mh" required=True %}``: GOV.UK's day, month and
year boxes (``unionhall.dateparts``) in a template that writes its form by hand.
Read the answer with ``dateparts.date_from_post``."""

from django import template

from unionhall.dateparts import DatePartsWidget

register = template.Library()


@register.simple_tag
def date_parts(name: str, *, id: str, id_suffix="", value=None, required: bool = False):
    """``id`` is the day box's id (a label's ``for``), with ``id_suffix`` (a row's pk) after it."""
    attrs = {"id": f"{id}{id_suffix}", **({"required": True} if required else {})}
    return DatePartsWidget().render(name, value, attrs)
