from coe.extensions import banners_for
from coe.models import Notification
from coe.navigation import nav_items_for


def navigation(request):
    """The navigation this person may use (current section marked), banners and the bell count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_menu_items": [], "banners": [], "unread_notifications": 0}
    path = request.path
    items = {"main": [], "user": []}
    for item in nav_items_for(user):
        url = item.url
        active = path == url if url == "/" else path.startswith(url)
        items[item.menu].append({"label": item.label, "url": url, "active": active})
    return {
        "nav_items": items["main"],
        "user_menu_items": items["user"],
        "banners": banners_for(user),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
