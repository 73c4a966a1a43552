import {
  escapeHtml,
  hasTags,
  luaNumberText,
  parseLookupTemplate,
  renderLookupTemplate,
  TemplateRenderError,
  TemplateSyntaxError,
} from './lookup-template';

const render = (text: string, vars: Record<string, unknown>) =>
  renderLookupTemplate(parseLookupTemplate(text), vars);

describe('lookup-template', () => {
  it('substitutes variables, with or without spaces in the tag', () => {
    expect(render('You are a {{ language }} programmer.', { language: 'python' })).toBe(
      'You are a python programmer.',
    );
    expect(render('{{a}}-{{ b }}', { a: 1, b: 'x' })).toBe('1-x');
  });

  it('renders a missing variable, null and false as nothing (APISIX test 6)', () => {
    expect(render('Explain about {{ topic }} in {{ level }}.', { 'topic-missing': 'x' })).toBe(
      'Explain about  in .',
    );
    expect(render('[{{ a }}|{{ b }}|{{ c }}]', { a: null, b: false, c: true })).toBe('[||true]');
  });

  it('escapes like lua-resty-template {{ }} and leaves {* *} raw', () => {
    expect(escapeHtml(`<a href="x/y">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&#47;y&quot;&gt;&#39;&amp;&#39;&lt;&#47;a&gt;',
    );
    expect(render('{{ q }} / {* q *}', { q: 'say "hi"' })).toBe('say &quot;hi&quot; / say "hi"');
  });

  it('looks up dotted paths through own properties only', () => {
    expect(render('{{ user.name }}', { user: { name: 'Ann' } })).toBe('Ann');
    expect(render('{{ user.missing }}', { user: {} })).toBe('');
    expect(render('{{ s.len }}', { s: 'text' })).toBe('');
    expect(render('{{ toString }}{{ o.hasOwnProperty }}', { o: {} })).toBe('');
    expect(() => render('{{ user.name }}', {})).toThrow(
      new TemplateRenderError("attempt to index 'user' (a nil value)"),
    );
    expect(() => render('{{ n.x }}', { n: 5 })).toThrow(/a number value/);
  });

  it('prints numbers as Lua does and objects as JSON', () => {
    expect(luaNumberText(3)).toBe('3');
    expect(luaNumberText(0.1)).toBe('0.1');
    expect(luaNumberText(1 / 3)).toBe('0.33333333333333');
    expect(luaNumberText(1e20)).toBe('1e+20');
    expect(luaNumberText(0.00001)).toBe('1e-05');
    expect(luaNumberText(-2.5)).toBe('-2.5');
    expect(render('{{ o }}', { o: { a: [1] } })).toBe('{&quot;a&quot;:[1]}');
  });

  it('drops comments and keeps text that only looks like a tag', () => {
    expect(render('a{# note #}b', {})).toBe('ab');
    expect(render('{ "x": {{ y', {})).toBe('{ "x": {{ y');
    expect(hasTags(parseLookupTemplate('plain {text}'))).toBe(false);
  });

  it('refuses code, includes and expressions', () => {
    for (const bad of [
      '{% if x then %}',
      '{( other.html )}',
      '{[ "x" ]}',
      '{-block-}x{-block-}',
      '{{ a + b }}',
      '{{ f() }}',
      '{{ a["b"] }}',
      '{{ end }}',
      '{{ __proto__ }}',
      '{{ x.constructor }}',
      '{{ _ctx.var.uri }}',
      '{{ a.b.c.d.e.f }}',
      '{{ }}',
    ]) {
      expect(() => parseLookupTemplate(bad)).toThrow(TemplateSyntaxError);
    }
  });
});
