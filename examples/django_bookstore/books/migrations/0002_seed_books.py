import uuid
from decimal import Decimal

from django.db import migrations

# A few books so a fresh deploy has a list to show (the release command runs migrate). Fixed
# ids: the same book has the same URL in every deployment.
BOOKS = [
    ("0b5c6f1e-3c43-4f6f-9a64-1c2d5a3e1b01", "Django for Professionals", "William S. Vincent", "39.00"),
    ("0b5c6f1e-3c43-4f6f-9a64-1c2d5a3e1b02", "Two Scoops of Django", "Daniel and Audrey Feldroy", "49.95"),
    ("0b5c6f1e-3c43-4f6f-9a64-1c2d5a3e1b03", "The Twelve-Factor App", "Adam Wiggins", "0.00"),
]


def seed(apps, schema_editor):
    Book = apps.get_model("books", "Book")
    for book_id, title, author, price in BOOKS:
        Book.objects.update_or_create(
            id=uuid.UUID(book_id), defaults={"title": title, "author": author, "price": Decimal(price)}
        )


def unseed(apps, schema_editor):
    Book = apps.get_model("books", "Book")
    Book.objects.filter(id__in=[uuid.UUID(b[0]) for b in BOOKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
