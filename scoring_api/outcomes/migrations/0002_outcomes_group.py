"""The « outcomes » group holding the permission to send outcomes (tokens of the lender's
systems join it; the portal's service account does not)."""
from django.db import migrations


def forward(apps, schema_editor):  # noqa: ANN001, ANN201
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="outcomes", model="outcome")
    permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="submit_outcomes",
        defaults={"name": "Peut envoyer des issues de crédit (POST /outcomes)"})
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="outcomes")
    group.permissions.add(permission)


def backward(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("auth", "Group").objects.filter(name="outcomes").delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(forward, backward)]
