"""The shared pieces other pages reuse: form, pagination, toasts, htmx CSRF header."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory


class SampleForm(forms.Form):
    name = forms.CharField(label="名称", help_text="不超过20字")
    amount = forms.DecimalField(label="金额")
    agree = forms.BooleanField(label="确认", required=False)

    def clean(self):
        raise forms.ValidationError("金额与名称不匹配")


def test_form_include_shows_field_and_form_errors_next_to_their_fields():
    form = SampleForm(data={"name": "", "amount": "abc"})
    form.is_valid()
    html = Template('{% include "web/includes/form.html" %}').render(Context({"form": form}))
    assert 'class="form-errors" role="alert"' in html
    assert "金额与名称不匹配" in html
    assert html.count("field-has-error") == 2
    assert 'aria-invalid="true"' in html
    assert "不超过20字" in html
    assert 'class="required"' in html


@pytest.mark.django_db
def test_pagination_keeps_the_filters_in_its_links():
    request = RequestFactory().get("/projects/", {"stage": "签约", "page": "3"})
    page = Paginator(list(range(95)), 10).page(3)
    html = Template('{% include "web/includes/pagination.html" %}').render(RequestContext(request, {"page_obj": page}))
    assert "第 21–30 条，共 95 条" in html
    assert 'aria-current="page">3<' in html
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all("stage=" in link for link in links)
    assert "?stage=%E7%AD%BE%E7%BA%A6&amp;page=2" in html


def test_pagination_is_silent_for_a_single_page():
    page = Paginator([1, 2], 10).page(1)
    assert Template('{% include "web/includes/pagination.html" %}').render(Context({"page_obj": page})).strip() == ""


@pytest.mark.django_db
def test_messages_show_as_toasts_and_htmx_sends_the_csrf_token():
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.cookie import CookieStorage

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    messages.success(request, "已保存")
    messages.error(request, "保存失败")
    html = Template('{% extends "web/base.html" %}').render(RequestContext(request, {}))
    assert '<div class="toast toast-success" data-toast>' in html and "已保存" in html
    assert '<div class="toast toast-error" data-toast>' in html
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert token and len(token.group(1)) >= 32
