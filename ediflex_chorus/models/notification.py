"""The one shape of the notifications the addon's buttons answer with (not a model)."""

SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}


def notification(message, kind="success", title=None, reload=True, then=None):
    """A web client notification for the person who clicked; with reload, the view then shows the new state.

    A failure (any kind but success) stays until it is closed, so that what to fix can be read. ``then``, an
    action, follows the notification instead of the reload (the view reloads when that action's dialog closes).
    """
    params = {"type": kind, "message": message, "sticky": kind != "success"}
    if title:
        params["title"] = title
    if then or reload:
        params["next"] = then or SOFT_RELOAD
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
