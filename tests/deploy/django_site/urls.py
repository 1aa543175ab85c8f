from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path


def home(request):
    get_token(request)  # sets the csrftoken cookie, as a page with a form does
    request.session["visited"] = True  # sets the session cookie
    return HttpResponse("<h1>Bookstore</h1>")


urlpatterns = [path("", home)]
