"""``WAGTAIL_FINISH_WORKFLOW_ACTION``: imported by ``wagtail.models`` while it loads, so it imports nothing
at module level and hands over to ``workflow.publish_approved``."""


def publish_approved(workflow_state, user=None):
    from .workflow import publish_approved as publish

    return publish(workflow_state, user=user)
