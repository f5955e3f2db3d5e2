"""Language selection: Simplified Chinese unless the visitor chose another language with the
switch in the header (Django's ``set_language`` view stores it in the language cookie).

Django's ``LocaleMiddleware`` would also follow the browser's Accept-Language header, which
would show English to every visitor whose phone or browser happens to be set to English; the
platform's default is Chinese, so only an explicit choice changes it."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import trans_real


class ChosenLanguageMiddleware(LocaleMiddleware):
    def __call__(self, request):
        try:
            return super().__call__(request)
        finally:
            # The chosen language lives for this request only: a reused worker thread (or the
            # test client's thread) must not carry one visitor's English into the next request
            # or into code that runs outside a request.
            translation.deactivate()

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen:
            try:
                language = trans_real.get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
