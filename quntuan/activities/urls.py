from django.urls import path

from quntuan.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("venues/<int:pk>/", views.venue_detail, name="venue"),
    path("feeds/org/<int:pk>.ics", views.feed_organization, name="feed_org"),
    path("feeds/venue/<int:pk>.ics", views.feed_venue, name="feed_venue"),
    path("feeds/me/<str:token>.ics", views.feed_mine, name="feed_mine"),
    path("staff/", views.staff_calendar, name="staff_calendar"),
    path("staff/new/", views.activity_new, name="new"),
    path("staff/stats/", views.stats, name="stats"),
    path("staff/venues/", views.venues, name="venues"),
    path("staff/venues/new/", views.venue_form, name="venue_new"),
    path("staff/venues/<int:pk>/edit/", views.venue_form, name="venue_edit"),
    path("staff/<int:pk>/", views.manage, name="manage"),
    path("staff/<int:pk>/edit/", views.activity_edit, name="edit"),
    path("staff/<int:pk>/publish/", views.publish, name="publish"),
    path("staff/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("staff/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("staff/registrations/<int:pk>/<slug:decision>/", views.decide, name="decide"),
]
