"""Login form: Django's own, with autocomplete hints that password managers and a11y tools use."""
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """AuthenticationForm with French labels and autocomplete attributes (WCAG 1.3.5)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
