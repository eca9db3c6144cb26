from django.urls import path

from atlas.editing import conflicts

# Under /<lang>/conflicts/: staff review what the dataset says against what people set.
urlpatterns = [
    path("", conflicts.conflict_list, name="conflicts"),
    path("<int:pk>/decide/", conflicts.decide_conflict, name="conflict-decide"),
]
