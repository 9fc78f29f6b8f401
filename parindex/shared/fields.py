"""Typed access to the fields of a form and of a model."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The field ``name`` of ``form``, as the ``kind`` of field it is declared as.

    ``form.fields`` holds plain ``Field`` objects to a type checker; a form that sets a field's
    ``choices`` or ``queryset`` in its ``__init__`` reads the field through here instead."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind}")
    return field


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The concrete field ``name`` of ``model`` (``_meta.get_field`` may also return a relation's
    reverse side, which has no ``max_length`` or ``verbose_name``)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field
