/** E-mail addresses, phone numbers (libphonenumber-valid, national and international), IP addresses, street addresses. */
import { type CountryCode, isValidPhoneNumber, parsePhoneNumber } from 'libphonenumber-js/max';
import { ALNUM, type Form, type Gen, LOWER } from './gen.js';

const NAMES = ['anna', 'j.smith', 'mueller', 'marie-claire', 'o.brien', 'li.wei', 'sven_k', 'giulia.rossi', 'daan', 'joao.silva', 'bob+invoices', 'x9'];
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'corp.example.net',
  'example.co.uk',
  'beispiel.de',
  'exemple.fr',
  'ejemplo.es',
  'esempio.it',
  'voorbeeld.nl',
  'exemplo.com.br',
  'uni-example.ac.at',
];
const EMAIL_CLAUSES = [
  'email me at {}',
  'E-Mail: {}',
  'contact: {}',
  'courriel : {}',
  'correo: {}',
  'mail {}',
  '{}',
  'Reply-To: <{}>',
  'mailto:{}',
  'write to {} asap',
];
export const EMAIL_FORMS: Form[] = [
  {
    form: 'email-plain',
    lang: 'en',
    make: (g) => ({ value: `${g.pick(NAMES)}${g.chance(0.3) ? g.int(1, 99) : ''}@${g.pick(DOMAINS)}`, clause: g.pick(EMAIL_CLAUSES) }),
  },
  { form: 'email-upper', lang: 'en', make: (g) => ({ value: `${g.pick(NAMES)}@${g.pick(DOMAINS)}`.toUpperCase(), clause: g.pick(EMAIL_CLAUSES) }) },
  {
    form: 'email-random-local',
    lang: 'en',
    make: (g) => ({ value: `${g.chars(LOWER, 1)}${g.chars(ALNUM, g.int(3, 20))}@${g.pick(DOMAINS)}`, clause: g.pick(EMAIL_CLAUSES) }),
  },
];

/** Countries planted in national format, with fixed-line prefixes beside their mobile example numbers. */
const PHONE_COUNTRIES: Array<{ country: CountryCode; lang: string; fixed: readonly string[]; length: number }> = [
  { country: 'US', lang: 'en', fixed: ['212', '415', '617', '312', '202', '713'], length: 10 },
  { country: 'CA', lang: 'en', fixed: ['416', '604', '514'], length: 10 },
  { country: 'GB', lang: 'en', fixed: ['20', '161', '131', '117', '113'], length: 10 },
  { country: 'IE', lang: 'en', fixed: ['1'], length: 8 },
  { country: 'AU', lang: 'en', fixed: ['2', '3', '7', '8'], length: 9 },
  { country: 'IN', lang: 'en', fixed: ['11', '22', '80'], length: 10 },
  { country: 'DE', lang: 'de', fixed: ['30', '89', '40', '221', '69', '711'], length: 10 },
  { country: 'AT', lang: 'de', fixed: ['1', '316', '662'], length: 9 },
  { country: 'CH', lang: 'de', fixed: ['44', '31', '61'], length: 9 },
  { country: 'FR', lang: 'fr', fixed: ['1', '4', '5'], length: 9 },
  { country: 'BE', lang: 'fr', fixed: ['2', '4', '9'], length: 8 },
  { country: 'ES', lang: 'es', fixed: ['91', '93', '96'], length: 9 },
  { country: 'MX', lang: 'es', fixed: ['55', '33', '81'], length: 10 },
  { country: 'IT', lang: 'it', fixed: ['02', '06', '011'], length: 10 },
  { country: 'NL', lang: 'nl', fixed: ['20', '10', '70', '30'], length: 9 },
  { country: 'PT', lang: 'pt', fixed: ['21', '22'], length: 9 },
  { country: 'BR', lang: 'pt', fixed: ['11', '21', '31'], length: 10 },
  { country: 'SE', lang: 'en', fixed: ['8', '31'], length: 9 },
  { country: 'PL', lang: 'en', fixed: ['22', '12'], length: 9 },
  { country: 'JP', lang: 'en', fixed: ['3', '6'], length: 10 },
];
const PHONE_CUES: Record<string, readonly string[]> = {
  en: ['call me on {}', 'phone: {}', 'Tel. {}', 'mobile {}', 'my number is {}', 'reach me at {}', 'cell: {}', 'ph {}', 'text {} when you arrive', 'fax {}'],
  de: ['Tel.: {}', 'Telefon {}', 'Handy: {}', 'ruf mich unter {} an', 'Mobil {}', 'Rufnummer: {}', 'erreichbar unter {}'],
  fr: ['tél : {}', 'téléphone : {}', 'portable {}', 'appelez-moi au {}', 'mon numéro est le {}'],
  es: ['teléfono: {}', 'móvil {}', 'llámame al {}', 'tel. {}', 'mi número es {}'],
  it: ['telefono: {}', 'cellulare {}', 'chiamami al {}', 'tel. {}', 'il mio numero è {}'],
  nl: ['telefoon: {}', 'mobiel {}', 'bel me op {}', 'tel. {}', 'mijn nummer is {}'],
  pt: ['telefone: {}', 'telemóvel {}', 'celular: {}', 'liga-me para o {}', 'meu número é {}'],
};

function validNumber(g: Gen, entry: (typeof PHONE_COUNTRIES)[number], mobile: boolean): ReturnType<typeof parsePhoneNumber> {
  for (;;) {
    const prefix = mobile ? mobilePrefix(entry.country) : g.pick(entry.fixed);
    // National lengths vary within a country (German area codes, Brazilian mobiles): try one either side.
    const national = prefix + g.digits(Math.max(4, entry.length + g.int(-1, 1) - prefix.length));
    if (isValidPhoneNumber(national, entry.country)) return parsePhoneNumber(national, entry.country);
  }
}
const MOBILE: Partial<Record<CountryCode, string>> = {
  US: '201',
  CA: '204',
  GB: '74',
  IE: '85',
  AU: '4',
  IN: '98',
  DE: '151',
  AT: '664',
  CH: '78',
  FR: '6',
  BE: '47',
  ES: '6',
  MX: '55',
  IT: '3',
  NL: '6',
  PT: '91',
  BR: '119',
  SE: '70',
  PL: '51',
  JP: '90',
};
function mobilePrefix(country: CountryCode): string {
  return MOBILE[country] ?? '';
}

const PHONE_SHAPES: Array<{ name: string; needsCue: boolean; make(n: ReturnType<typeof parsePhoneNumber>, g: Gen): string | null }> = [
  { name: 'e164', needsCue: false, make: (n) => n.number },
  { name: 'international', needsCue: false, make: (n) => n.formatInternational() },
  { name: 'international-dashes', needsCue: false, make: (n) => n.formatInternational().replace(/ /g, '-') },
  { name: '00-prefix', needsCue: false, make: (n) => n.formatInternational().replace(/^\+/, '00') },
  { name: 'national', needsCue: true, make: (n) => n.formatNational() },
  { name: 'national-compact', needsCue: true, make: (n) => n.formatNational().replace(/[^\d]/g, '') },
  {
    name: 'national-slash',
    needsCue: true,
    // German and Austrian print "030/1169678": trunk prefix and area code, a slash, the subscriber number.
    make: (n) => {
      const national = n.formatNational();
      const m = /^(\(?0?\d{1,5}\)?)[ -](.*)$/.exec(national);
      return m ? `${m[1]!.replace(/[()]/g, '')}/${m[2]!.replace(/[ -]/g, '')}` : null;
    },
  },
  {
    name: 'trunk-in-parens',
    needsCue: false,
    make: (n) => (['GB', 'DE', 'AT', 'CH', 'NL', 'BE', 'IT', 'FR'].includes(n.country ?? '') ? n.formatInternational().replace(/^(\+\d+) /, '$1 (0)') : null),
  },
];

export const PHONE_FORMS: Form[] = PHONE_COUNTRIES.flatMap((entry) =>
  PHONE_SHAPES.flatMap((shape) =>
    [false, true].map(
      (mobile): Form => ({
        form: `phone-${entry.country.toLowerCase()}-${mobile ? 'mobile' : 'fixed'}-${shape.name}`,
        lang: entry.lang,
        make: (g) => {
          for (;;) {
            const value = shape.make(validNumber(g, entry, mobile), g);
            if (value === null) return { value: validNumber(g, entry, mobile).number, clause: g.pick(PHONE_CUES[entry.lang]!) };
            const cueless = !shape.needsCue && g.chance(0.3);
            return { value, clause: cueless ? g.pick(['{}', 'ping {} tomorrow', 'Kontakt {}', '({})']) : g.pick(PHONE_CUES[entry.lang]!) };
          }
        },
      }),
    ),
  ),
);

const hex = (g: Gen, n: number): string => g.int(0, 16 ** n - 1).toString(16);
export const IP_FORMS: Form[] = [
  {
    form: 'ipv4',
    lang: 'en',
    make: (g) => ({
      value: `${g.int(11, 223)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`,
      clause: g.pick(['login from {}', 'IP: {}', 'server {} is down', 'blocked {}.', 'host={}', 'ping {}, then retry']),
    }),
  },
  {
    form: 'ipv4-private',
    lang: 'en',
    make: (g) => ({
      value: g.chance(0.5) ? `10.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}` : `192.168.${g.int(0, 255)}.${g.int(1, 254)}`,
      clause: g.pick(['my router is {}', 'IP-Adresse: {}', 'adresse IP {}']),
    }),
  },
  {
    form: 'ipv6-compressed',
    lang: 'en',
    make: (g) => ({ value: `2001:db8:${hex(g, 4)}:${hex(g, 4)}::${hex(g, 3)}`, clause: g.pick(['from {}', 'IPv6 {}', 'address {}.', 'client ip was {}!']) }),
  },
  {
    form: 'ipv6-full',
    lang: 'en',
    make: (g) => ({ value: Array.from({ length: 8 }, () => hex(g, 4)).join(':'), clause: g.pick(['from {}', 'IPv6: {}', 'peer {}.', 'adresse {}']) }),
  },
  {
    form: 'ipv6-link-local',
    lang: 'en',
    make: (g) => ({ value: `fe80::${hex(g, 4)}:${hex(g, 4)}:${hex(g, 4)}:${hex(g, 4)}`, clause: g.pick(['iface {}', 'neighbor {}.', 'saw {}']) }),
  },
  {
    form: 'ipv6-mapped-v4',
    lang: 'en',
    make: (g) => ({ value: `::ffff:${g.int(11, 223)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`, clause: g.pick(['remote {}', 'from {}.']) }),
  },
  {
    form: 'ipv4-with-port',
    lang: 'en',
    make: (g) => ({
      value: `${g.int(11, 223)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`,
      clause: g.pick(['connect to {}:8080', 'curl http://{}/admin', '{}:443 refused']),
    }),
  },
  {
    form: 'ipv6-bracketed-port',
    lang: 'en',
    make: (g) => ({ value: `2a00:${hex(g, 4)}:${hex(g, 4)}::${hex(g, 2)}`, clause: g.pick(['http://[{}]:8080/', 'listen [{}]:443;']) }),
  },
];

const US_STREETS = ['Maple', 'Oak', 'Elm', 'Washington', 'Lake View', 'Sunset', 'Martin Luther King Jr', 'Cedar Hill', 'Main'];
const US_SUFFIX = ['Street', 'St', 'Ave', 'Avenue', 'Rd', 'Road', 'Blvd', 'Lane', 'Dr', 'Drive', 'Ct', 'Way', 'Pl'];
const UK_STREETS = ['Baker', 'High', 'Church', 'Station', 'Victoria', 'Mill', 'Kingsway', 'Abbey'];
const UK_SUFFIX = ['Street', 'Road', 'Lane', 'Close', 'Gardens', 'Terrace', 'Crescent', 'Mews', 'Grove'];
const DE_STREETS = [
  'Hauptstraße',
  'Bahnhofstr.',
  'Goethestraße',
  'Schillerweg',
  'Lindenallee',
  'Marktplatz',
  'Berliner Straße',
  'Am Markt',
  'Unter den Linden',
  'An der Alster',
  'Im Winkel',
  'Zum Anger',
  'Auf dem Berg',
  'Alte Gasse',
  'Kaiserdamm',
  'Rosenring',
];
const FR_STREETS = [
  'rue de la Paix',
  'avenue Victor Hugo',
  'boulevard Saint-Germain',
  'rue du Faubourg Saint-Honoré',
  'place de la République',
  'allée des Tilleuls',
  'chemin des Vignes',
  'impasse du Moulin',
  'quai de la Tournelle',
  'bd Haussmann',
];
const ES_STREETS = [
  'Calle Mayor',
  'C/ de Alcalá',
  'Avda. de la Constitución',
  'Avenida de América',
  'Paseo de Gracia',
  'Plaza de España',
  'Calle del Carmen',
  'Carrer de Balmes',
  'Ronda de Toledo',
];
const NL_STREETS = [
  'Keizersgracht',
  'Dorpsstraat',
  'Kerkstraat',
  'Laan van Meerdervoort',
  'Stationsplein',
  'Oudegracht',
  'Nieuwe Binnenweg',
  'Prinsengracht',
  'Coolsingel',
  'Lange Voorhout',
];
const house = (g: Gen): string => `${g.int(1, 250)}${g.chance(0.2) ? g.pick(['a', 'b', 'c', 'B']) : ''}`;
const ADDRESS_SHAPES: Array<{ name: string; lang: string; make(g: Gen): string; cues: readonly string[] }> = [
  {
    name: 'us',
    lang: 'en',
    make: (g) => `${g.int(1, 9999)} ${g.pick(US_STREETS)} ${g.pick(US_SUFFIX)}`,
    cues: ['I live at {}, Springfield, IL 62704', 'ship to {}', 'address: {}', 'Deliver to {}, Apt 4B', 'we moved to {} last year'],
  },
  {
    name: 'us-unit',
    lang: 'en',
    make: (g) => `${g.int(1, 9999)} ${g.pick(US_STREETS)} ${g.pick(US_SUFFIX)}, Apt ${g.int(1, 40)}`,
    cues: ['ship to {}', 'mail it to {}'],
  },
  {
    name: 'uk',
    lang: 'en',
    make: (g) => `${house(g)} ${g.pick(UK_STREETS)} ${g.pick(UK_SUFFIX)}`,
    cues: ['I live at {}, London NW1 6XE', 'address: {}', 'post it to {}, Leeds', 'Flat 3, {}'],
  },
  {
    name: 'de',
    lang: 'de',
    make: (g) => `${g.pick(DE_STREETS)} ${house(g)}`,
    cues: ['Ich wohne in der {}, 10115 Berlin', 'Adresse: {}', 'Anschrift: {}, 80331 München', 'Lieferadresse {}', 'wohnhaft {}'],
  },
  {
    name: 'fr',
    lang: 'fr',
    make: (g) => `${g.int(1, 199)}${g.chance(0.2) ? ' bis' : ''}${g.chance(0.3) ? ',' : ''} ${g.pick(FR_STREETS)}`,
    cues: ["j'habite au {}, 75002 Paris", 'adresse : {}', 'livraison : {}, 69001 Lyon', 'domicile {}'],
  },
  {
    name: 'es',
    lang: 'es',
    make: (g) => `${g.pick(ES_STREETS)}${g.chance(0.4) ? ',' : ''} ${g.int(1, 250)}`,
    cues: ['vivo en {}, 28013 Madrid', 'dirección: {}', 'Domicilio {}, 3º B', 'envío a {}'],
  },
  {
    name: 'nl',
    lang: 'nl',
    make: (g) => `${g.pick(NL_STREETS)} ${house(g)}`,
    cues: ['ik woon op {}, 1015 CJ Amsterdam', 'adres: {}', 'Bezorgadres {}', 'woonachtig {}'],
  },
];
export const ADDRESS_FORMS: Form[] = ADDRESS_SHAPES.map((shape) => ({
  form: `address-${shape.name}`,
  lang: shape.lang,
  make: (g) => ({ value: shape.make(g), clause: g.pick(shape.cues) }),
}));
