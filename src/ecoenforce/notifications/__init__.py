"""Notifications: the in-app bell, optional e-mail, each person's choice per kind, and the deadline sweep."""
