/**
 * Hard negatives: sentences full of numbers, dates and codes that are not personal data (dates without a
 * birth cue, order and tracking numbers, versions, prices, ISBNs, times), and sentences that name a personal-
 * data type without carrying a value ("how do I renew my passport?"), which the cue guard must let pass.
 */
import { luhnComplete } from './check-digits.js';
import { DIGITS, type Gen, UPPER } from './gen.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONATE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function isbn13(g: Gen): string {
  const body = `978${g.int(0, 1)}${g.digits(8)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  const check = (10 - (sum % 10)) % 10;
  return `${body.slice(0, 3)}-${body[3]}-${body.slice(4, 7)}-${body.slice(7, 12)}-${check}`;
}

const MAKERS: ReadonlyArray<(g: Gen) => string> = [
  (g) => `The meeting is on ${p2(g.int(1, 28))}-${MONTHS[g.int(0, 11)]!.slice(0, 3)}-${g.int(2020, 2027)} at ${g.int(8, 17)}:00.`,
  (g) => `Invoice dated ${p2(g.int(1, 28))}/${p2(g.int(1, 12))}/${g.int(2019, 2026)}, due in 30 days.`,
  (g) => `Termin am ${g.int(1, 28)}. ${MONATE[g.int(0, 11)]} ${g.int(2024, 2027)} um ${g.int(8, 18)} Uhr.`,
  (g) => `La réunion aura lieu le ${g.int(1, 28)} ${MOIS[g.int(0, 11)]} ${g.int(2024, 2027)}.`,
  (g) => `Release ${g.int(2020, 2026)}-${p2(g.int(1, 12))}-${p2(g.int(1, 28))} shipped version ${g.int(1, 9)}.${g.int(0, 20)}.${g.int(0, 30)}.`,
  (g) => `Order #${g.digits(9)} was shipped yesterday.`,
  (g) => `My order number is ${g.int(100000, 999999)}-${g.digits(7)}, where is it?`,
  (g) => `Tracking: 1Z${g.chars(UPPER + DIGITS, 6)}${g.digits(10)}`,
  (g) => `The total was $${g.int(1, 9)},${g.digits(3)}.${g.digits(2)} including tax.`,
  (g) => `Der Preis beträgt ${g.int(1, 999)}.${g.digits(3)},${g.digits(2)} €.`,
  (g) => `ISBN ${isbn13(g)} is out of print.`,
  (g) => `Upgrade Node to ${g.int(18, 22)}.${g.int(0, 12)}.${g.int(0, 9)} and npm to ${g.int(8, 10)}.${g.int(0, 9)}.${g.int(0, 9)}.`,
  (g) => `The train leaves at ${p2(g.int(0, 23))}:${p2(g.int(0, 59))}:${p2(g.int(0, 59))} from platform ${g.int(1, 20)}.`,
  (g) => `Room ${g.int(100, 999)}, building ${g.int(1, 9)}, floor ${g.int(1, 30)}.`,
  (g) => `Flight LH ${g.int(100, 9999)} departs ${p2(g.int(1, 28))}.${p2(g.int(1, 12))}.${g.int(2025, 2027)}.`,
  (g) => `Score was ${g.int(0, 9)}-${g.int(0, 9)} after ${g.int(60, 120)} minutes.`,
  (g) => `I transferred ${g.int(10, 5000)} EUR on ${p2(g.int(1, 28))}.${p2(g.int(1, 12))}.${g.int(2023, 2026)} and it has not arrived.`,
  (g) => `Reference ${g.pick(['REF', 'TCK', 'INC', 'ORD', 'CHG', 'REQ'])}-${g.digits(6)} for the ticket.`,
  (g) => `Population grew from ${g.int(1, 9)},${g.digits(3)},${g.digits(3)} to ${g.int(1, 9)},${g.digits(3)},${g.digits(3)}.`,
  (g) => `Product SKU ${g.chars(UPPER, 2)}${g.digits(6)} is back in stock.`,
  (g) => `The value of pi to ten places is 3.${g.digits(10)}.`,
  (g) => `Test case ${g.int(1, 999)} failed with exit code ${g.int(1, 255)} after ${g.int(1, 99)}.${g.digits(3)} s.`,
  (g) => `In ${g.int(1900, 2025)} the company had ${g.int(10, 99000)} employees.`,
  (g) => `Card ending in ${g.digits(4)} was declined.`,
  (g) => `Transaction id ${luhnComplete(g.digits(7))} shows pending.`,
  (g) => `How do I renew my passport before ${MONTHS[g.int(0, 11)]} ${g.int(2025, 2027)}?`,
  (g) => `What is the format of a ${g.pick(['passport', 'IBAN', 'SSN', 'national insurance', 'social security'])} number?`,
  (g) => `Why does the form ask for my date of birth and ${g.pick(['address', 'phone', 'email'])}?`,
  (g) => `Is it safe to give my IBAN to a ${g.pick(['landlord', 'employer', 'shop'])}?`,
  (g) => `Wie beantrage ich einen neuen Reisepass? Die Gebühr ist ${g.int(37, 92)},${g.digits(2)} Euro.`,
  (g) => `¿Dónde renuevo el pasaporte? Tengo cita el ${g.int(1, 28)} de mayo.`,
  (g) => `Where can I find my social security number on form W-${g.int(2, 4)}?`,
  (g) => `Temperature dropped to -${g.int(1, 20)}.${g.int(0, 9)} °C overnight, humidity ${g.int(10, 99)}%.`,
  (g) => `The ratio is ${g.int(1, 9)}:${g.int(1, 9)} and the grid is ${g.int(2, 64)}x${g.int(2, 64)}.`,
  (g) => `Chapter ${g.int(1, 30)}, pages ${g.int(1, 200)}-${g.int(201, 400)}.`,
  (g) => `My account balance is ${g.int(100, 99999)}.${g.digits(2)} and the limit ${g.int(1000, 9000)}.`,
  (g) => `Use port ${g.int(1024, 65535)} and a timeout of ${g.int(1, 120)} seconds.`,
  (g) => `Call the bank's hotline, they open at ${g.int(7, 9)}:${g.pick(['00', '30'])}.`,
  (g) => `commit ${g.chars('0123456789abcdef', 7)} fixed issue #${g.int(1, 9999)}.`,
  (g) => `Paragraph § ${g.int(1, 300)} Abs. ${g.int(1, 9)} BGB applies.`,
];

export function benignSentencesFrom(g: Gen, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(MAKERS[i % MAKERS.length]!(g));
  return out;
}
