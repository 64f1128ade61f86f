/**
 * "Show my position" / "显示我的位置" in the site view: the device's position is asked for only when the
 * user taps the button (navigator.geolocation.watchPosition: the marker follows the user as they walk
 * the site, until the view closes); a refusal or no position says so and the button asks again.
 * What a position means on the site (the marker, the distance to the nearest struck line) is the
 * view's: `onFix` gets each fix and answers the sentence to show.
 */
import type { SiteT } from './siteWords';

export class WhereAmI {
  readonly element: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private watch: number | null = null;

  constructor(private readonly t: SiteT, private readonly onFix: (lon: number, lat: number, accuracy: number) => string, private readonly onLost: () => void) {
    const button = document.createElement('button');
    button.type = 'button'; button.id = 'site-locate'; button.textContent = t('site.locate');
    button.addEventListener('click', () => this.start());
    this.status = document.createElement('div');
    this.status.id = 'site-position'; this.status.className = 'status'; this.status.setAttribute('role', 'status');
    this.element = document.createElement('div');
    this.element.className = 'row';
    this.element.append(button, this.status);
  }

  private say(text: string, state: 'finding' | 'found' | 'refused' | 'unavailable'): void {
    this.status.textContent = text;
    this.status.dataset['state'] = state;
    this.status.classList.toggle('error', state === 'refused' || state === 'unavailable');
  }

  start(): void {
    this.stop();
    const geo = typeof navigator !== 'undefined' ? navigator.geolocation : undefined;
    if (!geo) { this.say(this.t('site.positionUnavailable', { message: this.t('site.positionNoApi') }), 'unavailable'); return; }
    // Browsers give a position to secure pages only (HTTPS, or this machine): say so rather than "refused".
    if (!window.isSecureContext) { this.say(this.t('site.positionUnavailable', { message: this.t('site.positionInsecure') }), 'unavailable'); return; }
    this.say(this.t('site.positionFinding'), 'finding');
    this.watch = geo.watchPosition(
      (p) => this.say(this.onFix(p.coords.longitude, p.coords.latitude, p.coords.accuracy), 'found'),
      (e) => {
        this.stop();
        this.onLost();
        if (e.code === e.PERMISSION_DENIED) this.say(this.t('site.positionRefused'), 'refused');
        else this.say(this.t('site.positionUnavailable', { message: e.message || String(e.code) }), 'unavailable');
      },
      { enableHighAccuracy: true },
    );
  }

  stop(): void {
    if (this.watch !== null) navigator.geolocation.clearWatch(this.watch);
    this.watch = null;
  }
}
