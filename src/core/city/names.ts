/**
 * Names for the sample city: Tianhe street names (Chinese with pinyin) and the critical customers a
 * burst must report (hospitals and schools, several of them real Tianhe institutions). The street
 * layout is invented, so a name says nothing about where the real street runs.
 */

type Name = readonly [zh: string, pinyin: string];

const ARTERIAL_EAST_WEST: readonly Name[] = [
  ['天河路', 'Tianhe Lu'], ['黄埔大道西', 'Huangpu Dadao Xi'], ['中山大道西', 'Zhongshan Dadao Xi'],
  ['天河北路', 'Tianhe Beilu'], ['花城大道', 'Huacheng Dadao'], ['临江大道', 'Linjiang Dadao'],
  ['广园快速路', 'Guangyuan Kuaisu Lu'], ['金穗路', 'Jinsui Lu'],
];
const ARTERIAL_NORTH_SOUTH: readonly Name[] = [
  ['体育东路', 'Tiyu Donglu'], ['广州大道中', 'Guangzhou Dadao Zhong'], ['天河东路', 'Tianhe Donglu'],
  ['猎德大道', 'Liede Dadao'], ['五山路', 'Wushan Lu'], ['科韵路', 'Keyun Lu'],
  ['石牌东路', 'Shipai Donglu'], ['华南快速干线', 'Huanan Kuaisu Ganxian'],
];
const LOCAL_EAST_WEST: readonly Name[] = [
  ['天河南一路', 'Tianhe Nan Yilu'], ['天河南二路', 'Tianhe Nan Erlu'], ['海安路', 'Haian Lu'],
  ['兴民路', 'Xingmin Lu'], ['华就路', 'Huajiu Lu'], ['华利路', 'Huali Lu'], ['天润路', 'Tianrun Lu'],
  ['林乐路', 'Linle Lu'], ['体育西横街', 'Tiyu Xi Hengjie'], ['华强路', 'Huaqiang Lu'],
  ['兴盛路', 'Xingsheng Lu'], ['员村二横路', 'Yuancun Er Henglu'], ['天寿路', 'Tianshou Lu'],
  ['粤垦路', 'Yueken Lu'], ['燕岭路', 'Yanling Lu'], ['花城南路', 'Huacheng Nanlu'],
  ['东站路', 'Dongzhan Lu'], ['中山大道中', 'Zhongshan Dadao Zhong'],
];
const LOCAL_NORTH_SOUTH: readonly Name[] = [
  ['体育西路', 'Tiyu Xilu'], ['林和西路', 'Linhe Xilu'], ['林和中路', 'Linhe Zhonglu'],
  ['龙口西路', 'Longkou Xilu'], ['龙口东路', 'Longkou Donglu'], ['石牌西路', 'Shipai Xilu'],
  ['冼村路', 'Xiancun Lu'], ['马场路', 'Machang Lu'], ['华穗路', 'Huasui Lu'], ['潭村路', 'Tancun Lu'],
  ['车陂路', 'Chebei Lu'], ['珠江东路', 'Zhujiang Donglu'], ['珠江西路', 'Zhujiang Xilu'],
  ['兴安路', "Xing'an Lu"], ['华明路', 'Huaming Lu'], ['天河直街', 'Tianhe Zhijie'],
  ['棠下路', 'Tangxia Lu'], ['程界路', 'Chengjie Lu'],
];
const DIAGONAL: readonly Name[] = [
  ['华夏路', 'Huaxia Lu'], ['天府路', 'Tianfu Lu'], ['员村斜路', 'Yuancun Xielu'], ['花城斜街', 'Huacheng Xiejie'],
];

const CHINESE_NUMERALS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function chineseNumber(n: number): string {
  if (n <= 10) return CHINESE_NUMERALS[n]!;
  if (n < 20) return '十' + CHINESE_NUMERALS[n - 10]!;
  return String(n);
}

/**
 * The name of the street with grid index k (…, −1, 0, 1, …): indices outward from the centre take
 * the list in turn (0, −1, 1, −2, …); past the list's end names repeat with a section number.
 */
function nth(list: readonly Name[], k: number): string {
  const i = k >= 0 ? 2 * k : -2 * k - 1;
  const [zh, pinyin] = list[i % list.length]!;
  const section = Math.floor(i / list.length) + 1;
  return section === 1 ? `${zh} ${pinyin}` : `${zh}${chineseNumber(section)}段 ${pinyin} Section ${section}`;
}

export function rowStreetName(row: number, arterial: boolean): string {
  return nth(arterial ? ARTERIAL_EAST_WEST : LOCAL_EAST_WEST, row);
}

export function columnStreetName(column: number, arterial: boolean): string {
  return nth(arterial ? ARTERIAL_NORTH_SOUTH : LOCAL_NORTH_SOUTH, column);
}

export function diagonalStreetName(k: number): string {
  return nth(DIAGONAL, k);
}

/** A lane (巷) off a street: '天河路三巷 Tianhe Lu 3 Xiang'. */
export function laneName(street: string, n: number): string {
  const space = street.indexOf(' ');
  const zh = space < 0 ? street : street.slice(0, space);
  const pinyin = space < 0 ? '' : street.slice(space + 1);
  return `${zh}${chineseNumber(n)}巷 ${pinyin} ${n} Xiang`.trim();
}

const CRITICAL_CUSTOMERS: readonly Name[] = [
  ['广州市第一人民医院', "Guangzhou First People's Hospital"],
  ['中山大学附属第三医院', 'Third Affiliated Hospital of Sun Yat-sen University'],
  ['暨南大学附属第一医院', 'First Affiliated Hospital of Jinan University'],
  ['广东省中医院', 'Guangdong Provincial Hospital of Chinese Medicine'],
  ['广州市天河区人民医院', "Tianhe District People's Hospital"],
  ['广东省妇幼保健院', 'Guangdong Women and Children Hospital'],
  ['广州市红十字会医院', 'Guangzhou Red Cross Hospital'],
  ['华南师范大学附属中学', 'High School Affiliated to South China Normal University'],
  ['广州市天河中学', 'Guangzhou Tianhe High School'],
  ['广州市第四十七中学', 'Guangzhou No. 47 Middle School'],
  ['天河区体育东路小学', 'Tiyu Donglu Primary School'],
  ['广州市天河外国语学校', 'Guangzhou Tianhe Foreign Language School'],
  ['天河区华阳小学', 'Huayang Primary School'],
  ['广州市血液中心', 'Guangzhou Blood Center'],
];

/** The n-th critical customer's name; repeats become further campuses. */
export function criticalCustomerName(n: number): string {
  const [zh, en] = CRITICAL_CUSTOMERS[n % CRITICAL_CUSTOMERS.length]!;
  const campus = Math.floor(n / CRITICAL_CUSTOMERS.length);
  return campus === 0 ? `${zh} ${en}` : `${zh}（${chineseNumber(campus + 1)}院区） ${en}, campus ${campus + 1}`;
}
