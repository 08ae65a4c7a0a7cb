"""A small learning path file for tests: two modules with every kind of step and one
picture, as a dict to change and as the bytes an import reads."""

import base64
import io
import json

from PIL import Image


def png_bytes(colour=(0, 105, 92)) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(picture, format="PNG")
    return picture.getvalue()


def path_data(slug: str = "grip-op-post") -> dict:
    return {
        "format": "buurtkompas-learning-path",
        "format_version": 1,
        "path": {
            "slug": slug,
            "title": "Grip op je post",
            "summary": "In drie stappen overzicht over je brieven.",
            "introduction": "Veel post? Je bent niet de enige.",
            "theme": "geldzaken-regelgeving",
            "level": "basic",
            "audience": "",
            "duration_minutes": 45,
            "pre_measurement": None,
            "post_measurement": None,
            "modules": [
                {
                    "title": "Sorteren",
                    "introduction": "",
                    "steps": [
                        {
                            "kind": "reading",
                            "title": "Drie bakjes",
                            "minutes": 5,
                            "body": (
                                "Maak drie stapels.\n\n![Drie bakjes op tafel](media:bakjes.png)"
                            ),
                        },
                        {
                            "kind": "quiz",
                            "title": "Wat weet je al?",
                            "body": "",
                            "questions": [
                                {
                                    "question": "Welke rekening betaal je eerst?",
                                    "options": [
                                        {
                                            "text": "De huur",
                                            "correct": True,
                                            "feedback": "Ja, zonder huis wordt alles moeilijker.",
                                        },
                                        {
                                            "text": "Je telefoon",
                                            "correct": False,
                                            "feedback": "Nee, huur en energie gaan voor.",
                                        },
                                    ],
                                },
                                {
                                    "question": "Mag je een betalingsregeling vragen?",
                                    "options": [
                                        {"text": "Ja", "correct": True, "feedback": "Klopt."},
                                        {
                                            "text": "Nee",
                                            "correct": False,
                                            "feedback": "Dat mag wel.",
                                        },
                                    ],
                                },
                            ],
                        },
                        {
                            "kind": "video",
                            "title": "Een film over post",
                            "body": "",
                            "url": "https://www.nibud.nl/",
                            "transcript": "In de film sorteert Anna haar post.",
                        },
                    ],
                },
                {
                    "title": "Volhouden",
                    "introduction": "Elke week even.",
                    "steps": [
                        {
                            "kind": "reflection",
                            "title": "Jouw week",
                            "body": "",
                            "question": "Wanneer in de week heb je tijd voor je post?",
                        },
                        {
                            "kind": "exercise",
                            "title": "Jouw overzicht",
                            "body": "Maak een foto van je overzicht.",
                            "upload": "optional",
                        },
                        {
                            "kind": "checklist",
                            "title": "Klaar?",
                            "body": "",
                            "items": ["Bakjes staan klaar", "Vaste dag gekozen"],
                        },
                    ],
                },
            ],
        },
        "media": [
            {
                "name": "bakjes.png",
                "content_type": "image/png",
                "data": base64.b64encode(png_bytes()).decode("ascii"),
            }
        ],
    }


def path_file(data: dict | None = None) -> bytes:
    return json.dumps(data or path_data()).encode("utf-8")
