"""Union social workers (社会化工会工作者), glossary §5: `UnionSocialWorker`, `Appraisal`. The
models are defined in the sub-domain packages (one migrations folder): people (posts, the
worker record, training), pay (the county's rules and pay table) and appraisals (appraisals,
ratings, one-time rating links, objections)."""

from gonghui.staffing.appraisals.models import *  # noqa: F403
from gonghui.staffing.pay.models import *  # noqa: F403
from gonghui.staffing.people.models import *  # noqa: F403
