from django.contrib.auth.models import AbstractUser


class CustomUser(AbstractUser):
    """The tutorial's custom user model, set up front so it can grow without a data migration."""
