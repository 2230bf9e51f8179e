// "Can I talk to a real person?" on a call goes straight to a person, without a model round trip.
// Pure and deliberately narrow: a request to speak with a person/human/someone/representative,
// or to be transferred; "a person will come out?" or "is a person coming" are not requests.
const ASK =
  /\b(?:speak|talk|get\s+through|be\s+connected|connect\s+me|put\s+me\s+through|transfer\s+me)\b[^.?!]{0,30}\b(?:person|human|someone|somebody|representative|rep|agent|operator|owner|manager|receptionist|dispatcher)\b|\btransfer\s+me\b|\b(?:real|live|actual)\s+(?:person|human)\b|\boperator\b|\brepresentative\b/;

export function asksForPerson(text: string): boolean {
  return ASK.test(text.toLowerCase());
}
