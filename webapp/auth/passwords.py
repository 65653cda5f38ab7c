"""Password rules shared by the pages and the API."""
from webapp.exceptions import ValidationFailed

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def password_problem(password: str | None) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None


def check_password_rules(password: str | None, field: str = "password") -> None:
    """Raise ValidationFailed (400) when the password breaks a rule."""
    problem = password_problem(password)
    if problem:
        raise ValidationFailed(problem, fields={field: [problem]})
