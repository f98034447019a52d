/**
 * The multilingual name benchmark: sentences with person names planted from the held-out part of faker's
 * name lists (scripts/names/faker-names.ts: names the shipped lists and the model's training never saw),
 * in templates written for this file only (the training templates are in scripts/names/train-templates.ts),
 * in 20 languages and 14 scripts, with names at the start, middle and end, in JSON values, after varied
 * punctuation, and lowercased or uppercased where people write so. Negatives are sentences with
 * capitalised words that are not people: cities, brands, products, assistants, weekdays and months.
 * Used by `npm run bench:pii` (recall, and false alarms on the negatives) and by planted-names.test.ts.
 */
import { localeNames, localeNonNames, type LocaleNames } from '../../scripts/names/faker-names.js';
import { fill, personName, pick, recase, seededRandom } from '../../scripts/names/training-corpus.js';

export interface PlantedCase {
  text: string;
  /** [start, end) of each planted name; empty for a negative. */
  names: Array<[number, number]>;
  locale: string;
  language: string;
}

const TEST_TEMPLATES: Record<string, { positive: string[]; negative: string[] }> = {
  en: {
    positive: [
      'Could you draft a reply to {N} about the late delivery?',
      'The contract was signed by {N} on behalf of the buyer.',
      '{N} asked whether the refund has gone through',
      'Please add {N} to the guest list.',
      'Summary of the call with {N}:',
      'Our new intern, {N}, starts on the 4th.',
      '{"full_name":"{N}","plan":"pro"}',
      'recipient={N}; amount=120',
      'Happy birthday, {N}!',
      'Is it true that {N} left the company?',
      '- owner: {N}\n- status: open',
      '"{N}" <no-reply>',
      'The flat is rented to {N} until June.',
      'Who approved this? It says {N}.',
      'Kind regards, {N}',
    ],
    negative: [
      'How do I get from {C} to the airport?',
      'Alexa, add milk to the shopping list.',
      'wash dishes before the guests arrive',
      'Is Revolut available in {C}?',
      'My Google Pay payment to {C} is pending.',
      'Book a hotel in {C} from Monday to Friday.',
      'What time does the {C} office open on Saturday?',
      'Compare Netflix and Spotify prices in {C}.',
      'The sale ends in August.',
      'Why did my Visa card stop working in {C}?',
      'Play the new Coldplay album',
      'Order an Uber to {C} Central Station.',
    ],
  },
  de: {
    positive: ['Rechnung bitte an {N} schicken.', 'Gestern hat {N} angerufen.', 'Viele Grüße, {N}'],
    negative: ['Der Zug nach {C} fällt heute aus.', 'Am Dienstag ist die Filiale in {C} zu.'],
  },
  fr: {
    positive: ['Veuillez rappeler {N} demain.', '{N} a signé le contrat.', 'Bien à vous, {N}'],
    negative: ['Le train pour {C} est en retard.', 'Fermé le mardi à {C}.'],
  },
  es: {
    positive: ['Por favor, llame a {N} mañana.', '{N} firmó el contrato.', 'Un saludo, {N}'],
    negative: ['El tren a {C} sale tarde.', 'Cerrado los martes en {C}.'],
  },
  it: { positive: ['Richiamare {N} domani, grazie.', '{N} ha firmato il contratto.'], negative: ['Il treno per {C} è in ritardo.'] },
  pt: { positive: ['Ligue para {N} amanhã, por favor.', '{N} assinou o contrato.'], negative: ['O voo para {C} atrasou.'] },
  nl: { positive: ['Bel {N} morgen terug.', '{N} heeft het contract getekend.'], negative: ['De trein naar {C} is vertraagd.'] },
  pl: { positive: ['Proszę oddzwonić do {N} jutro.', '{N} podpisał umowę.'], negative: ['Pociąg do {C} jest opóźniony.'] },
  cs: { positive: ['Zavolejte prosím zítra {N}.', '{N} podepsal smlouvu.'], negative: ['Vlak do {C} má zpoždění.'] },
  tr: { positive: ['Lütfen yarın {N} ile görüşün.', 'Sözleşmeyi {N} imzaladı.', 'müşteri: {N}'], negative: ['{C} treni gecikti.'] },
  ru: {
    positive: ['Перезвоните, пожалуйста, {N} завтра.', 'Договор подписал {N}.', 'Отправитель: {N}'],
    negative: ['Поезд в {C} опаздывает.', 'Во вторник офис в {C} закрыт.'],
  },
  uk: { positive: ['Будь ласка, передзвоніть {N} завтра.', 'Договір підписав {N}.'], negative: ['Потяг до {C} запізнюється.'] },
  el: { positive: ['Παρακαλώ καλέστε τον {N} αύριο.', 'Το συμβόλαιο υπέγραψε ο {N}.'], negative: ['Το τρένο για {C} έχει καθυστέρηση.'] },
  ar: {
    positive: ['يرجى الاتصال بـ {N} غدا.', 'وقّع {N} العقد.', 'المرسل: {N}'],
    negative: ['تأخر القطار المتجه إلى {C}.', 'المكتب في {C} مغلق يوم الثلاثاء.'],
  },
  fa: { positive: ['لطفا فردا با {N} تماس بگیرید.', 'قرارداد را {N} امضا کرد.'], negative: ['قطار {C} تاخیر دارد.'] },
  he: { positive: ['נא להתקשר מחר אל {N}.', 'את החוזה חתם {N}.'], negative: ['הרכבת ל{C} מתעכבת.'] },
  hi: { positive: ['कृपया कल {N} को फोन करें।', 'अनुबंध पर {N} ने हस्ताक्षर किए।'], negative: ['{C} जाने वाली ट्रेन देर से है।'] },
  zh: {
    positive: ['请明天给{N}回电话。', '合同由{N}签署。', '收件人：{N}', '{N}已经提交了申请。'],
    negative: ['去{C}的火车晚点了。', '{C}办事处星期二关门。'],
  },
  ja: { positive: ['明日{N}さんに電話してください。', '契約書には{N}が署名しました。', '差出人：{N}'], negative: ['{C}行きの電車が遅れています。'] },
  ko: { positive: ['내일 {N} 씨에게 전화해 주세요.', '계약서에 {N}이 서명했습니다.', '보낸 사람: {N}'], negative: ['{C}행 기차가 지연되었습니다.'] },
  th: { positive: ['กรุณาโทรหาคุณ{N} พรุ่งนี้', 'ผู้ส่ง: {N}'], negative: ['รถไฟไป{C}ล่าช้า'] },
  vi: { positive: ['Vui lòng gọi lại cho {N} vào ngày mai.', 'Hợp đồng do {N} ký.', 'Người gửi: {N}'], negative: ['Chuyến tàu đi {C} bị trễ.'] },
};

const LANGUAGE: Record<string, string> = {
  de: 'de',
  fr: 'fr',
  es: 'es',
  it: 'it',
  pt_BR: 'pt',
  nl: 'nl',
  pl: 'pl',
  cs_CZ: 'cs',
  tr: 'tr',
  ru: 'ru',
  uk: 'uk',
  el: 'el',
  ar: 'ar',
  fa: 'fa',
  he: 'he',
  ne: 'hi',
  zh_CN: 'zh',
  zh_TW: 'zh',
  ja: 'ja',
  ko: 'ko',
  th: 'th',
  vi: 'vi',
};

/** Languages whose names are also planted in English sentences (as in a support ticket written in English). */
const ALSO_IN_ENGLISH = new Set([
  'de',
  'fr',
  'es',
  'it',
  'pt_BR',
  'pl',
  'cs_CZ',
  'tr',
  'ru',
  'el',
  'ar',
  'he',
  'vi',
  'en',
  'en_IN',
  'en_NG',
  'sv',
  'fi',
  'hu',
  'zh_CN',
  'ja',
]);

export function plantedNameCases(options: { perLocale?: number; seed?: number } = {}): PlantedCase[] {
  const perLocale = options.perLocale ?? 40;
  const r = seededRandom(options.seed ?? 2026);
  const cases: PlantedCase[] = [];
  const held: LocaleNames[] = localeNames('test');
  const englishOther = localeNonNames('en', 'test');
  for (const l of held) {
    const language = LANGUAGE[l.locale];
    if (!language && !ALSO_IN_ENGLISH.has(l.locale)) continue;
    const nonNames = localeNonNames(l.locale, 'test');
    const other = (): string => pick(r, nonNames.length > 0 && r() < 0.7 ? nonNames : englishOther);
    for (let k = 0; k < perLocale; k++) {
      const lang = language && (!ALSO_IN_ENGLISH.has(l.locale) || r() < 0.6) ? language : 'en';
      const templates = TEST_TEMPLATES[lang]!;
      const negative = k % 4 === 3;
      const { text, spans } = fill(pick(r, negative ? templates.negative : templates.positive), () => personName(r, l), other);
      let out = text;
      // People type names in lower case in chat, and forms come in capitals; only cased scripts change.
      const x = r();
      if (/[A-Za-zÀ-ɏЀ-ӿͰ-Ͽ]/.test(out) && x < 0.1) out = recase(out, 'lower');
      else if (/[A-Za-zÀ-ɏЀ-ӿͰ-Ͽ]/.test(out) && x < 0.14) out = recase(out, 'upper');
      cases.push({ text: out, names: spans, locale: l.locale, language: lang });
    }
  }
  return cases;
}
