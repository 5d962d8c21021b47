import datetime as dt

from django.db import migrations

# Copenhagen put the integration into operation on 1 December 2021 (seed 001).
PUBLISHED_FROM = dt.date(2021, 12, 1)


def load(apps, schema_editor):
    from bibdebitor.domain.catalogue import CLASSES, FACETS

    Facet = apps.get_model("sortiment", "Facet")
    SortimentClass = apps.get_model("sortiment", "SortimentClass")
    facets = {key: Facet.objects.create(user_key=key, title=title) for key, title in FACETS.items()}
    for item in CLASSES:
        SortimentClass.objects.create(
            uuid=item.uuid, facet=facets[item.facet], user_key=item.user_key, title=item.title,
            published_from=PUBLISHED_FROM,
        )


def unload(apps, schema_editor):
    apps.get_model("sortiment", "SortimentClass").objects.filter(agency=None).delete()
    apps.get_model("sortiment", "Facet").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sortiment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
