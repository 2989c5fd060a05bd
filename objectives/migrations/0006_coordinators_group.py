"""The coordinators' group is named for the role, not for one council's team ("Economy Cell
coordinators"): the council's own word is data (objectives.council)."""
from django.db import migrations

OLD, NEW = "Economy Cell coordinators", "Coordinators"


def rename(apps, old, new):
    Group = apps.get_model("auth", "Group")
    if not Group.objects.filter(name=new).exists():
        Group.objects.filter(name=old).update(name=new)


class Migration(migrations.Migration):

    dependencies = [
        ('objectives', '0005_council'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [migrations.RunPython(lambda apps, schema: rename(apps, OLD, NEW), lambda apps, schema: rename(apps, NEW, OLD))]
