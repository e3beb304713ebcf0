from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "Moderators"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail is the login and is never shown to others."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("Shown to others instead of your e-mail address. A first name or a nickname is fine."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("moderate", _("Can moderate listings, reports, testimonials and applications"))]

    def __str__(self):
        return self.display_name or _("Member #%(id)s") % {"id": self.pk}

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_verified(self):
        """True once the primary e-mail address is verified (allauth's record)."""
        if not self.is_authenticated:
            return False
        cached = getattr(self, "_is_verified", None)
        if cached is None:
            cached = self.emailaddress_set.filter(verified=True).exists()
            self._is_verified = cached
        return cached

    @property
    def is_moderator(self):
        """Moderators hold the accounts.moderate permission, given by the Moderators group."""
        return self.is_active and self.has_perm("accounts.moderate")


def user_display(user):
    """How allauth names a user on its pages and e-mails: never by e-mail address."""
    return user.display_name
