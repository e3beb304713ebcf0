"""The two-factor code step of signing in, under the same budgets as the password (accounts.lockout):
wrong codes from a stranger's address lock out that address, not the account's owner."""

from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm

from . import lockout


class AuthenticateForm(AllauthAuthenticateForm):
    def clean_code(self):
        usage = lockout.spend_attempt(context.request, lockout.code_account(self.user))
        if usage is None:
            raise get_adapter().validation_error("too_many_login_attempts")
        code = super().clean_code()  # allauth's own check (per address) and the code itself
        usage.rollback()  # the right code: this attempt does not count
        return code
