"""Views of the results app. ``cockpit`` is the leaders' home page (the shell's home uses it)."""

from kaohe.results.views.pages import (  # noqa: F401
    board,
    boards_index,
    cockpit,
    flags_page,
    my_unit,
    robustness,
    scorecard,
    unit_gap,
    unit_profile,
    what_if,
)
from kaohe.results.views.publication import (  # noqa: F401
    appeal_answer,
    appeal_attachment,
    appeal_detail,
    appeal_new,
    appeals,
    award_decide,
    award_grant,
    award_nominate,
    awards,
    public_detail,
    public_index,
    publications,
    publish_run,
)
from kaohe.results.views.runs import (  # noqa: F401
    review_add,
    run_detail,
    run_diff,
    run_list,
    run_new,
    run_progress,
)
