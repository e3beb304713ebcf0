from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
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
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        help_text=_("Online meetings show their times in this zone too. Leave it unset to use your browser's."),
    )
    # No choices here, so a new language in settings.LANGUAGES needs no migration; forms offer LANGUAGES.
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        help_text=_("The site’s language when you sign in, and the language of every e-mail we send you."),
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
    def holds_moderator_role(self):
        """The accounts.moderate permission, given by the Moderators group: the role, not yet its powers."""
        return self.is_active and self.has_perm("accounts.moderate")

    @property
    def is_moderator(self):
        """Moderator powers, everywhere (unpublished listings, histories, queues, counts): the role
        and an authenticator app. With an app, every sign-in asks for its code, so the password
        alone never opens them; without one, a moderator is a member until they set it up."""
        return self.holds_moderator_role and self.has_authenticator_app

    @property
    def must_use_two_factor(self):
        """Moderators and anyone who can open the admin must sign in with an authenticator app."""
        return self.is_active and (self.is_staff or self.is_superuser or self.holds_moderator_role)

    @property
    def has_authenticator_app(self):
        """True once an authenticator app (TOTP) is active: allauth.mfa's record (read once per object)."""
        if not self.is_authenticated:
            return False
        cached = getattr(self, "_has_authenticator_app", None)
        if cached is None:
            cached = is_mfa_enabled(self, [Authenticator.Type.TOTP])
            self._has_authenticator_app = cached
        return cached


def user_display(user):
    """How allauth names a user on its pages and e-mails: never by e-mail address."""
    return user.display_name


class ProfessionalProfileQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=ProfessionalProfile.Status.VERIFIED)

    def pending(self):
        return self.filter(status=ProfessionalProfile.Status.PENDING)


class ProfessionalProfile(models.Model):
    """A mental-health professional who endorses the project, listed once a moderator verifies them."""

    class Profession(models.TextChoices):
        PSYCHOLOGIST = "psychologist", _("Psychologist")
        PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
        SOCIAL_WORKER = "social_worker", _("Clinical social worker")
        COUNSELLOR = "counsellor", _("Counselor / therapist")
        DBT_THERAPIST = "dbt_therapist", _("DBT-trained therapist")
        NURSE = "nurse", _("Mental-health nurse")
        OTHER = "other", _("Other mental-health professional")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not verified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="professional_profile"
    )
    public_name = models.CharField(_("name as it should appear"), max_length=120)
    profession = models.CharField(_("profession"), max_length=20, choices=Profession.choices)
    credentials = models.CharField(
        _("credentials"),
        max_length=200,
        help_text=_("Degrees and certifications, e.g. PhD, LCSW, DBT-Linehan Board Certified."),
    )
    licence_number = models.CharField(
        _("license or registration number"), max_length=60, help_text=_("Seen only by moderators, to verify you.")
    )
    licence_region = models.CharField(
        _("issuing state, province or country"), max_length=100, help_text=_("Also the region you are listed under.")
    )
    organisation = models.CharField(_("organization"), max_length=160, blank=True)
    website = models.URLField(_("public website"), max_length=300, blank=True)
    statement = models.TextField(
        _("statement of endorsement"),
        max_length=1200,
        help_text=_("A few sentences, shown publicly, on why you support peer DBT skills groups."),
    )
    open_to_contact = models.BooleanField(_("groups in my region may ask me to be an adviser"), default=False)
    consent = models.BooleanField(_("I agree to be listed publicly as an endorser"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for not verifying"), blank=True)

    objects = ProfessionalProfileQuerySet.as_manager()

    class Meta:
        ordering = ["public_name"]
        indexes = [models.Index(fields=["status", "profession"], name="professional_status_profession")]
        verbose_name = _("professional's application")
        verbose_name_plural = _("professionals' applications")

    def __str__(self):
        return f"{self.public_name} ({self.get_status_display()})"

    REVIEWED_FIELDS = ("public_name", "profession", "credentials", "licence_number", "licence_region")


class ProfessionalEvent(models.Model):
    """The audit trail of an application: who decided what, when and why."""

    class Action(models.TextChoices):
        # The stored values are the words the trail was first written with (kept, no data migration).
        APPLIED = "applied", _("Applied")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        CHANGED_CREDENTIALS = "changed credentials", _("Changed credentials")
        EDITED_STATEMENT = "edited statement", _("Edited statement")
        WITHDREW = "withdrew", _("Withdrew")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    profile = models.ForeignKey(
        ProfessionalProfile, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        User, verbose_name=_("done by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d}"


class ContactMessage(models.Model):
    """A message sent through the contact page, kept for moderators."""

    class Topic(models.TextChoices):
        ENDORSEMENT = "endorsement", _("Professional endorsement")
        LISTING = "listing", _("A group listing")
        PRESS = "press", _("Press")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")

    name = models.CharField(_("your name"), max_length=120)
    email = models.EmailField(_("your e-mail address"))
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    handled_by = models.ForeignKey(
        User, verbose_name=_("handled by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="contact_status_created")]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self):
        return f"{self.get_topic_display()} from {self.name}"


class ContactMessageEvent(models.Model):
    """The audit trail of a contact message: received, then handled by which moderator, when."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("Received")
        HANDLED = "handled", _("Marked as handled")

    message = models.ForeignKey(ContactMessage, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d}"
