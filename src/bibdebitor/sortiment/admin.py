from django.contrib import admin

from bibdebitor.sortiment.models import Facet, SortimentClass


@admin.register(Facet)
class FacetAdmin(admin.ModelAdmin[Facet]):
    list_display = ["user_key", "title"]


@admin.register(SortimentClass)
class SortimentClassAdmin(admin.ModelAdmin[SortimentClass]):
    list_display = [
        "user_key",
        "title",
        "facet",
        "uuid",
        "published_from",
        "published_to",
        "agency",
    ]
    list_filter = ["facet", "agency"]
    readonly_fields = ["uuid", "replaces"]
