"""An MLflow user's webhook, made and tested with MLflow's client, then fired by the registry.

argv: the receiver's URL. Prints one JSON line: the webhook as the client reads it back, the
test's result, and the registered version.
"""

import json
import sys

from mlflow import MlflowClient

receiver = sys.argv[1]
client = MlflowClient()
hook = client.create_webhook(
    name="deploy-on-register",
    url=receiver,
    events=["model_version.created", "model_version_alias.created", "registered_model.created"],
    description="kicks the deployer",
    secret="whisper",
)
tested = client.test_webhook(hook.webhook_id)
client.create_registered_model("hooked-model", tags={"team": "vision"})
version = client.create_model_version("hooked-model", source="s3://bucket/model", tags={"stage": "ci"})
client.set_registered_model_alias("hooked-model", "champion", version.version)
paused = client.update_webhook(hook.webhook_id, status="DISABLED")
client.set_registered_model_alias("hooked-model", "after-pause", version.version)
listed = [w.name for w in client.list_webhooks()]
print(
    json.dumps(
        {
            "webhook_id": hook.webhook_id,
            "events": sorted(str(e) for e in hook.events),
            "status": str(hook.status),
            "paused": str(paused.status),
            "listed": listed,
            "test": {"success": tested.success, "status": tested.response_status, "body": tested.response_body},
            "version": version.version,
        }
    )
)
