"""The authentication backend: Django's, loading the user's org with the user.

Every staff page shows the user's org in the top bar; reading it with the user saves a
query on each request.
"""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("org").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
