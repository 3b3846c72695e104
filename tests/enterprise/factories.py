"""Factories for enterprise service: ``EnterpriseFactory(unit=...)`` with a valid credit code."""

from __future__ import annotations

from kaohe.enterprise import services
from kaohe.lib.creditcode import complete

_seq = iter(range(1, 10**6))


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 for test enterprise ``n`` (企业 91, 行政区划 320100)."""
    return complete(f"91320100MA{n:07d}")


def EnterpriseFactory(*, unit, user=None, **kw):
    n = next(_seq)
    data = {"credit_code": credit_code(n), "name": f"测试企业{n}有限公司", "industry": "制造业", "unit": unit,
            "contact_email": f"e{n}@example.com"}
    data.update(kw)
    return services.register_enterprise(data, user=user)
