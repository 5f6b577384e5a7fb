from . import agreements

app_name = "groups"

urlpatterns = [
    *agreements.urlpatterns,
]
