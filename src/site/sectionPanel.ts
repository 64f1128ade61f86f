/**
 * The cross-section's panel: the section (sectionView.ts) and a slider that moves it along the work
 * (core/site/sectionTrack.ts), with step buttons for a finger and the arrow keys, each step
 * `stepM` (data/rules/display.json siteSectionStepM). Each move redraws the section and tells the
 * view, which moves the section's sheet in 3D (siteMarkers.ts).
 */
import type { ColourScheme } from '../core/colours';
import type { SlicePlane } from '../core/site/crossSection';
import { sectionTrack, type SectionTrack } from '../core/site/sectionTrack';
import type { Excavation } from '../core/screening/excavation';
import { renderSection } from './sectionView';
import type { SiteLine, SiteModel } from './siteModel';
import type { SiteT } from './siteWords';
import { userOnSlice, type UserFix } from './userPosition';

export interface SectionPanelOptions {
  model: SiteModel;
  lines: readonly SiteLine[];
  /** The work the section goes across and where it starts (siteModel.ts defaultSlice). */
  work: Excavation;
  plane: SlicePlane;
  scheme: ColourScheme;
  t: SiteT;
  stepM: number;
  onMove(plane: SlicePlane): void;
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export class SectionPanel {
  readonly element: HTMLDivElement;
  readonly track: SectionTrack;
  private readonly slider: HTMLInputElement;
  private readonly where: HTMLOutputElement;
  private readonly drawing: HTMLDivElement;
  private position: number;
  private user: UserFix | null = null;

  constructor(private readonly o: SectionPanelOptions) {
    const { t } = o;
    this.track = sectionTrack(o.work, o.plane);
    this.position = this.track.start;
    const length = this.track.length.toFixed(2);
    this.slider = node('input', {
      id: 'site-section-slider', type: 'range', min: '0', max: length, step: String(o.stepM), value: this.position.toFixed(2),
      'aria-label': t('site.sectionMove'),
    });
    this.slider.addEventListener('input', () => this.move(Number(this.slider.value)));
    const stepButton = (id: string, text: string, sign: number, label: string) => {
      const b = node('button', { type: 'button', id, 'aria-label': label }, text);
      b.addEventListener('click', () => this.step(sign));
      return b;
    };
    this.where = node('output', { id: 'site-section-where', for: 'site-section-slider' });
    this.drawing = node('div', {});
    this.element = node('div', { id: 'site-section', class: 'panel' },
      node('div', { class: 'status' }, t('site.sectionAcross')),
      node('div', { class: 'row site-section-move' },
        stepButton('site-section-back', '◀', -1, t('site.sectionBack')), this.slider, stepButton('site-section-on', '▶', 1, t('site.sectionOn')), this.where),
      this.drawing);
    this.draw();
  }

  /** One step along the work (−1 back, +1 on): the step buttons and the arrow keys. */
  step(sign: number): void {
    this.move(this.position + sign * this.o.stepM);
  }

  /** The section `position` m along the work (clamped to it), redrawn, and the view told. */
  move(position: number): void {
    this.position = Math.min(this.track.length, Math.max(0, position));
    this.slider.value = this.position.toFixed(2);
    this.draw();
    this.o.onMove(this.plane());
  }

  plane(): SlicePlane {
    return this.track.at(this.position);
  }

  /** The user's position drawn in the section (null: none). */
  setUser(fix: UserFix | null): void {
    this.user = fix;
    this.draw();
  }

  private draw(): void {
    const { t } = this.o, plane = this.plane();
    this.where.textContent = t('site.sectionWhere', { at: this.position.toFixed(2), length: this.track.length.toFixed(2) });
    this.element.dataset['position'] = this.position.toFixed(2);
    this.drawing.replaceChildren(renderSection(this.o.model, plane, this.o.lines, this.o.scheme, t, this.user ? userOnSlice(plane, this.user) : null));
  }
}
