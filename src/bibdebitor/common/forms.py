"""Django forms rendered with Det Fælles Designsystem's markup: every widget gets the design
system's class here, so no form has to remember it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext

from bibdebitor.domain.money import AmountError, format_kroner, parse_kroner

# The design system's class for each of Django's widget templates.
WIDGET_CLASSES = {
    "django/forms/widgets/select.html": "form-select",
    "django/forms/widgets/textarea.html": "form-input",
    "django/forms/widgets/checkbox.html": "form-checkbox",
    "django/forms/widgets/file.html": "form-file-input",
    "django/forms/widgets/clearable_file_input.html": "form-file-input",
}
# Radio buttons and check-box lists get their class per option, in our multiple_input.html.
OPTION_LISTS = {"django/forms/widgets/radio.html", "django/forms/widgets/checkbox_select.html"}
INPUT_CLASS = "form-input"


def design_class(widget: dict[str, Any]) -> str | None:
    """The design system's class for a widget's render context, or None for hidden ones."""
    template = widget.get("template_name", "")
    if widget.get("type") == "hidden" or template in OPTION_LISTS:
        return None
    if template in WIDGET_CLASSES:
        return WIDGET_CLASSES[template]
    if template.startswith("django/forms/widgets/") and "type" in widget:
        return INPUT_CLASS
    return None


class DesignSystemRenderer(TemplatesSetting):
    form_template_name = "dkfds/forms/form.html"
    field_template_name = "dkfds/forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and (wanted := design_class(widget)):
            attrs = widget.setdefault("attrs", {})
            classes = attrs.get("class", "").split()
            if wanted not in classes:
                attrs["class"] = " ".join([*classes, wanted])
        return super().render(template_name, context, request)


class KronerField(forms.Field):
    """An amount typed in kroner (``1.234,50``, ``1234.5``, ``200``), cleaned to integer øre;
    an amount in øre is shown back in kroner."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "20"})

    def prepare_value(self, value: Any) -> Any:
        return format_kroner(value, unit=False) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_kroner(text)
        except AmountError as error:
            raise forms.ValidationError(gettext(error.message), code=error.code) from None
