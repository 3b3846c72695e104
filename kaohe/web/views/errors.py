"""Error pages in the user's language, never a stack trace."""

from django.shortcuts import render


def _error(request, status: int, title: str, exception=None):
    return render(request, "web/error.html", {"status": status, "title": title}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误")


def permission_denied(request, exception=None):
    return _error(request, 403, "无权访问")


def page_not_found(request, exception=None):
    return _error(request, 404, "页面不存在")


def server_error(request):
    return _error(request, 500, "服务器内部错误")
