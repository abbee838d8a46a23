import { _verifyConversions } from '../src/private/manifest-object';

// Every object any test builds is also converted by the generated toJson_* functions, and must come out the same.
_verifyConversions(true);
