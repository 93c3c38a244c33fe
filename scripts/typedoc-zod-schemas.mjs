// typedoc plugin: render exported zod schema constants (`fooSchema`) as `ZodType<Foo>`
// instead of expanding zod's internal generic types, which are unreadable and have
// no documentation of their own. The inferred type (e.g. `AreaInput`) documents the shape.
import { Converter, ReflectionKind, ReflectionType, UnknownType } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Variable)) {
      if (!reflection.name.endsWith('Schema') || reflection.type === undefined) continue;
      reflection.type.visit({
        reflection: (type) => project.removeReflection(type.declaration),
      });
      removeNested(project, reflection.type);
      reflection.type = new UnknownType('ZodType');
    }
  });
}

function removeNested(project, type) {
  if (type instanceof ReflectionType) {
    project.removeReflection(type.declaration);
    return;
  }
  for (const child of Object.values(type)) {
    if (Array.isArray(child)) child.forEach((c) => c && typeof c === 'object' && 'type' in c && removeNested(project, c));
    else if (child && typeof child === 'object' && 'type' in child && typeof child.type === 'string') removeNested(project, child);
  }
}
