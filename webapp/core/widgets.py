"""A select whose `<option>` list is rendered once per distinct list of choices.

Filter forms offer hundreds of options (every language, every member state) that are the
same on every request in one language; WTForms renders each one on every request. Here
the options' HTML is kept by the choices themselves (values and labels, so it is per
language and follows any change of the rows they come from, in any process), and only
the chosen option is marked per request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.validators import ValidationError
from wtforms.widgets import Select, html_params

Choices = tuple[tuple[str, str], ...]


@lru_cache(maxsize=128)
def _options(choices: Choices) -> str:
    return "".join(
        f'<option value="{escape(value)}">{escape(label or value)}</option>'
        for value, label in choices
    )


class OptionsOnce(Select):
    """A single select of (value, label) string choices, with its options cached."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        plain = (
            not self.multiple
            and field.coerce is str
            and isinstance(choices, list | tuple)
            and all(len(choice) == 2 for choice in choices)
        )
        if not plain:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        options = _options(tuple((str(v), str(label)) for v, label in choices))
        if field.data is not None:
            chosen = f'<option value="{escape(field.data)}">'
            options = options.replace(chosen, chosen[:-1] + " selected>", 1)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


class OptionsOnceField(SelectField):
    """A select of (value, label) strings drawn with `OptionsOnce`, whose answer is checked
    against a set of the values rather than an object per choice."""

    widget = OptionsOnce()

    def pre_validate(self, form: Any) -> None:
        choices = self.choices
        plain = isinstance(choices, list | tuple) and all(len(c) == 2 for c in choices)
        if not (self.validate_choice and self.coerce is str and plain) or self.process_errors:
            super().pre_validate(form)
            return
        if self.data not in {str(value) for value, _label in choices}:
            raise ValidationError(
                self.invalid_choice_message or self.gettext("Not a valid choice.")
            )


@lru_cache(maxsize=32)
def _grouped_options(groups: tuple[tuple[str, Choices], ...]) -> str:
    return "".join(
        f'<optgroup label="{escape(label)}">{_options(choices)}</optgroup>'
        for label, choices in groups
    )


class GroupedOptionsOnce(OptionsOnce):
    """`OptionsOnce` for choices given in groups (a dict of label to choices), as the time
    zone fields are: some five hundred options on every form that asks for a zone."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        groups = field.choices
        plain = (
            isinstance(groups, dict)
            and not self.multiple
            and field.coerce is str
            and all(
                isinstance(c, tuple) and len(c) == 2
                for choices in groups.values()
                for c in choices
            )
        )
        if not plain:  # a form that set other choices (the guest form's own list)
            return Select.__call__(self, field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        options = _grouped_options(
            tuple(
                (str(label), tuple((str(v), str(text)) for v, text in choices))
                for label, choices in groups.items()
            )
        )
        if field.data is not None:  # marked as WTForms marks it: the same markup
            chosen = f'<option value="{escape(field.data)}">'
            options = options.replace(chosen, f'<option selected value="{escape(field.data)}">', 1)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")
