"""Error pages in the user's language, inside the shell, never a stack trace."""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

from kaohe.lib.errors import DATABASE_UNAVAILABLE, RETRY_AFTER, user_message

logger = logging.getLogger("kaohe.web")

PAGES = {
    400: (_("请求有误"), _("服务器无法处理这个请求，可能是链接不完整或表单内容有误。"),
          (_("返回上一页，检查填写的内容后重试。"), _("如果问题反复出现，请联系系统管理员。"))),
    403: (_("您无权访问此页面"), _("此页面只对具有相应角色和单位范围的用户开放。"),
          (_("确认您登录的是正确的账号（右上角显示当前单位和角色）。"),
           _("如需访问，请联系本单位考核办开通权限。"))),
    404: (_("页面不存在"), _("您要找的页面不存在，可能已被移动，或链接有误。"),
          (_("检查地址是否正确。"), _("从左侧导航重新进入相应模块。"))),
    405: (_("此地址不能直接打开"), _("这个地址用于提交操作（如“通过”“退回”“公示”“保存”按钮），只接受页面上的表单提交，不能从地址栏或书签直接打开。"),
          (_("返回上一页，使用页面上的按钮完成操作。"), _("从左侧导航重新进入相应模块。"))),
    500: (_("服务器内部错误"), _("系统处理请求时出现了问题，已记录在日志中。"),
          (_("请稍后重试。"), _("如果问题持续，请联系系统管理员并告知出错时间。"))),
    503: (_("数据库连接暂时中断"), _("系统与数据库的连接中断了，这个页面没能打开，或这次操作没能完成。连接会自动恢复。"),
          (_("请稍候几秒后刷新页面重试。"), _("如果刚才提交过内容，请重新打开相应页面核对是否已保存。"),
           _("如果问题持续，请联系系统管理员并告知出错时间。"))),
}


API_MESSAGES = {400: "bad request", 403: "forbidden: not allowed for your role or scope", 404: "not found",
                405: "method not allowed",
                500: "internal server error (logged); try again later",
                503: DATABASE_UNAVAILABLE}


def is_api(request) -> bool:
    return request is not None and request.path.startswith("/api/")


def _json(request, status: int, exception=None, detail: str = ""):
    """On an API path every error is JSON with a message (``{"detail": …}``, as django-ninja answers)."""
    from django.http import JsonResponse

    detail = detail or (user_message(exception) if exception is not None else "")
    return JsonResponse({"detail": detail or API_MESSAGES[status], "status": status}, status=status)


def _render(request, status: int, exception=None):
    if is_api(request):
        return _json(request, status, exception)
    title, explanation, steps = PAGES[status]
    context = {
        "status": status,
        "title": title,
        "explanation": explanation,
        "message": user_message(exception) if exception is not None else "",
        "steps": steps,
    }
    return render(request, "web/error.html", context, status=status)


def database_failure(exception) -> BaseException | None:
    """The failed database connection behind ``exception`` (itself or what it was raised from), if any:
    Django's session middleware, for one, turns a cut connection while saving the session into a 400
    (SessionInterrupted, from the DatabaseError)."""
    from django.db import InterfaceError, OperationalError

    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, OperationalError | InterfaceError):
            return exception
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return None


def bad_request(request, exception=None):
    failed = database_failure(exception)
    if failed is not None:
        return database_unavailable(request, failed)
    return _render(request, 400, exception)


def permission_denied(request, exception=None):
    return _render(request, 403, exception)


def page_not_found(request, exception=None):
    return _render(request, 404, exception)


def method_not_allowed(request, exception=None, allowed: str = ""):
    """405. On an API path, JSON naming the methods the path takes (``allowed``: its Allow header)."""
    if is_api(request) and allowed:
        return _json(request, 405, detail=f"method not allowed: {request.method}; this path takes {allowed}")
    return _render(request, 405, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: usually an expired page; say so instead of Django's English page."""
    from kaohe.lib.errors import Forbidden

    if is_api(request):
        return _json(request, 403, Forbidden("CSRF check failed: send a Bearer token, or the CSRF token with a session"))
    return _render(request, 403, Forbidden(_("页面已过期或表单来源无法验证。请刷新页面后重新提交。")))


def database_unavailable(request, exception=None):
    """503 when the database connection failed in the middle of a request (the server restarted, the
    connection was cut): a clean page or JSON saying to try again — Django reopens the connection
    for the next request (``CONN_HEALTH_CHECKS``)."""
    logger.warning("%s %s: the database connection failed: %s", request.method, request.path, exception)
    if is_api(request):
        response = _json(request, 503)
    else:
        try:
            response = _render(request, 503)
        except Exception as exc:  # noqa: BLE001 — the shell needs the database too: the page that needs nothing
            logger.warning("the 503 page in the shell could not be rendered (%s: %s): the plain page", type(exc).__name__, exc)
            response = HttpResponse(loader.get_template("web/503_plain.html").render({}), status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def server_error(request):
    # The shell needs the database (navigation, user); if that is what failed,
    # fall back to a page that needs nothing.
    import sys

    failed = database_failure(sys.exc_info()[1])  # Django calls handler500 while handling the exception
    if failed is not None:  # raised in a middleware, before any view
        return database_unavailable(request, failed)
    if is_api(request):
        return _json(request, 500)
    try:
        return _render(request, 500)
    except Exception:  # noqa: BLE001 — the last line of defence must not raise
        logger.exception("rendering the 500 page failed")
        return HttpResponseServerError(loader.get_template("web/500_plain.html").render({}))
