"""The test-only allowance for private addresses must never reach a deployment."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def private_addresses_refused(app_configs, **kwargs):
    if settings.FETCH_ALLOW_PRIVATE_ADDRESSES:
        return [
            checks.Error(
                "FETCH_ALLOW_PRIVATE_ADDRESSES is set: article fetching and webhooks could reach "
                "private and loopback addresses.",
                hint="Only the test suite sets it; remove it from the settings.",
                id="alerts.E001",
            )
        ]
    return []
