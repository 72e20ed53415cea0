"""API tokens get an expiry and a revocation reason; failed sign-ins are counted per account and address."""

import datetime as dt

from django.db import migrations, models


def expire_existing_tokens(apps, schema_editor):
    """Tokens issued before expiry existed get the default lifetime from their creation (90 days)."""
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + dt.timedelta(days=90))
    ApiToken.objects.filter(revoked_at__isnull=False).update(revoked_reason="owner")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_seed_reference"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("owner", "Revoked by its owner"),
                    ("administrator", "Revoked by an administrator"),
                    ("password_changed", "The owner's password changed"),
                    ("role_changed", "The owner's role or organization changed"),
                    ("deactivated", "The owner's account was deactivated"),
                ],
                max_length=32,
                verbose_name="why revoked",
            ),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(
                help_text="First characters of the token, to recognise it", max_length=8, verbose_name="starts with"
            ),
        ),
        migrations.CreateModel(
            name="SignInThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("account", "Account (user name)"),
                            ("address", "Client address (passwords)"),
                            ("token_address", "Client address (API tokens)"),
                        ],
                        max_length=16,
                        verbose_name="counted per",
                    ),
                ),
                ("key", models.CharField(max_length=160, verbose_name="user name or address")),
                ("failures", models.PositiveIntegerField(default=0, verbose_name="failures in the window")),
                ("window_started_at", models.DateTimeField(verbose_name="window started at")),
                ("last_failure_at", models.DateTimeField(verbose_name="last failure at")),
                ("locked_until", models.DateTimeField(blank=True, null=True, verbose_name="locked until")),
                ("lockouts", models.PositiveIntegerField(default=0, verbose_name="locks in a row")),
            ],
            options={
                "verbose_name": "sign-in lock",
                "verbose_name_plural": "sign-in locks",
                "ordering": ["-last_failure_at"],
                "indexes": [models.Index(fields=["last_failure_at"], name="core_signin_last_fa_60682e_idx")],
                "constraints": [models.UniqueConstraint(fields=("scope", "key"), name="uniq_sign_in_throttle")],
            },
        ),
    ]
