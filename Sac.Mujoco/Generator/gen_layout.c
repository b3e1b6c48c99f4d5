// Prints Sac.Mujoco/Native/MujocoLayout.g.cs: where the fields of mjModel and mjData that Sac reads live, measured by
// the C compiler (offsetof, sizeof) over the X-macro lists in MuJoCo's own mjxmacro.h. No offset in the output is
// typed by hand, so a MuJoCo whose structs moved gives a different file, and Sac.Tests/Mujoco/LayoutTests fails.
//
// Only the fields named in the read lists below are written (and the model sizes and mjN* constants their array
// sizes need): reading another field starts with adding its name here and regenerating. A listed name that the
// headers do not have stops the generator.
//
// Build and run through gen_layout.sh; only the headers are needed (no function of libmujoco is called).

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mujoco/mujoco.h>
#include <mujoco/mjxmacro.h>

//---------------------------------- what Sac reads -----------------------------------------------

// One list per X-macro list of mjxmacro.h, each NULL-terminated. Who reads each name is said beside it.

// MJMODEL_INTS: the sizes the tasks check (RequireSizes) and the view counts by. The sizes the arrays below are
// measured in (nmocap, nmat, …) are added by collect_sizes.
static const char* const model_ints[] = {"nq", "nv", "nu", "nbody", "ngeom", NULL};

// MJOPTION_SCALARS, MJOPTION_VECTORS: MujocoModel.Timestep, and LibraryTests' invalid integrator.
static const char* const option_fields[] = {"timestep", "integrator", NULL};

// MJMODEL_POINTERS.
static const char* const model_arrays[] = {
  "actuator_ctrlrange",                    // MujocoEnvironment: the action space, the clip
  "body_mass",                             // Humanoid: the mass centre
  "geom_type", "geom_size", "geom_bodyid",  // MujocoView: what a picture draws
  "geom_rgba", "geom_matid", "mat_rgba",   // MujocoView: the colour, by mjv_updateScene's material rule
  "qpos0", "actuator_gear", "body_parentid",  // LayoutTests, FaultTests: model fields read by the tests alone
  NULL};

// MJDATA_POINTERS.
static const char* const data_arrays[] = {
  "qpos", "qvel", "act", "ctrl", "qacc_warmstart",             // MujocoEnvironment: the state it saves and steps
  "qfrc_applied", "xfrc_applied", "mocap_pos", "mocap_quat",  // ... and the applied forces and mocap it saves
  "xpos", "xipos",                                            // Ant, Humanoid: the velocity; saved (stale after mj_step)
  "cinert", "cvel", "qfrc_actuator", "cfrc_ext",              // Ant, Humanoid: the observations and contact costs
  "geom_xpos", "geom_xmat",                                   // MujocoView: the geoms' world poses
  NULL};

// MJDATA_SCALAR, MJDATA_VECTOR: the simulation time; the warning counters after every mj_step.
static const char* const data_scalars[] = {"time", NULL};
static const char* const data_vectors[] = {"warning", NULL};

// The mjN*/mjMAX* constants read directly: the warning counters' count, the VFS's file-name limit. The ones the
// arrays' sizes name are added by collect_sizes.
static const char* const constants[] = {"mjNWARNING", "mjMAXVFSNAME", NULL};

// Names not listed above that the listed arrays' size expressions need: model ints and mjN* constants.
#define MAX_NEEDED 64
static char needed[MAX_NEEDED][64];
static int needed_count = 0;
// Every name written so far, to check at the end that each listed or needed name was found in the headers.
static char written[256][64];
static int written_count = 0;

static int in_list(const char* name, const char* const* list) {
  for (; *list; list++) {
    if (strcmp(*list, name) == 0) {
      return 1;
    }
  }
  return 0;
}

static int is_needed(const char* name) {
  for (int i = 0; i < needed_count; i++) {
    if (strcmp(needed[i], name) == 0) {
      return 1;
    }
  }
  return 0;
}

static int was_written(const char* name) {
  for (int i = 0; i < written_count; i++) {
    if (strcmp(written[i], name) == 0) {
      return 1;
    }
  }
  return 0;
}

static void copy_name(char* destination, const char* name) {
  if (strlen(name) >= 64) {
    fprintf(stderr, "gen_layout: name too long: %s\n", name);
    exit(1);
  }
  strcpy(destination, name);
}

// True (and remembered, for check_all_written) when the field or constant `name` is to be written.
static int wanted(const char* name, const char* const* list) {
  if (!in_list(name, list) && !is_needed(name)) {
    return 0;
  }
  if (was_written(name)) {
    return 1;
  }
  if (written_count == (int)(sizeof(written) / sizeof(written[0]))) {
    fprintf(stderr, "gen_layout: more than %d names\n", written_count);
    exit(1);
  }
  copy_name(written[written_count++], name);
  return 1;
}

// Reads the name that starts at *c into `name` and moves *c past it. The size expressions of mjxmacro.h ("nbody",
// "MJ_M(nmocap)*3", "mjNREF") name mjModel ints, mjN*/mjMAX* constants and the macro MJ_M.
static void read_name(const char** c, char name[64]) {
  size_t n = 0;
  while ((isalnum((unsigned char)**c) || **c == '_') && n < 63) {
    name[n++] = *(*c)++;
  }
  name[n] = '\0';
}

static int starts_name(char c) {
  return isalpha((unsigned char)c) || c == '_';
}

// Adds the names in one of mjxmacro.h's size expressions (but MJ_M) to `needed`.
static void need_names_of(const char* expression) {
  const char* c = expression;
  while (*c) {
    if (!starts_name(*c)) {
      c++;
      continue;
    }
    char name[64];
    read_name(&c, name);
    if (strcmp(name, "MJ_M") != 0 && !is_needed(name)) {
      if (needed_count == MAX_NEEDED) {
        fprintf(stderr, "gen_layout: more than %d size names\n", MAX_NEEDED);
        exit(1);
      }
      copy_name(needed[needed_count++], name);
    }
  }
}

static void need_sizes_if_listed(const char* name, const char* const* list, const char* rows, const char* columns) {
  if (in_list(name, list)) {
    need_names_of(rows);
    need_names_of(columns);
  }
}

// The sizes every listed array is measured in, gathered before anything is written (the sizes come first in the file).
static void collect_sizes(void) {
#define X(type, name, rows, columns) need_sizes_if_listed(#name, model_arrays, #rows, #columns);
  MJMODEL_POINTERS
#undef X
#define X(type, name, rows, columns) need_sizes_if_listed(#name, data_arrays, #rows, #columns);
  MJDATA_POINTERS
#undef X
}

// Every listed and every needed name was found in the headers; otherwise a typo (or a MuJoCo without the field)
// would silently leave it out and only the C# build would say so.
static void check_all_written(void) {
  const char* const* lists[] = {model_ints, option_fields, model_arrays, data_arrays, data_scalars, data_vectors,
                                constants};
  int missing = 0;
  for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
    for (const char* const* name = lists[l]; *name; name++) {
      if (!was_written(*name)) {
        fprintf(stderr, "gen_layout: '%s' is listed but not in MuJoCo's headers (or not in CONSTANT)\n", *name);
        missing = 1;
      }
    }
  }
  for (int i = 0; i < needed_count; i++) {
    if (!was_written(needed[i])) {
      fprintf(stderr, "gen_layout: an array's size names '%s', which is neither an mjModel int nor in CONSTANT\n",
              needed[i]);
      missing = 1;
    }
  }
  if (missing) {
    exit(1);
  }
}

//---------------------------------- C# output helpers ---------------------------------------------

// Members of a class are separated by one blank line; the first member of each class gets none.
static int first_member = 1;

static void open_class(const char* summary, const char* declaration) {
  printf("\n/// <summary>%s</summary>\n%s\n{\n", summary, declaration);
  first_member = 1;
}

static void close_class(void) {
  printf("}\n");
}

static void member(void) {
  if (!first_member) {
    putchar('\n');
  }
  first_member = 0;
}

static void constant(const char* csharp_type, const char* name, const char* doc, long long value) {
  member();
  printf("    /// <summary>%s</summary>\n    public const %s %s = %lld;\n", doc, csharp_type, name, value);
}

// A size expression of mjxmacro.h rewritten as C# over an MjModelSizes `s`: MJ_M(x) is just x, an mjN*/mjMAX*
// constant becomes MjConstants.*, and any other name is an mjModel int, s.name.
static void print_count(const char* expression) {
  printf("static (in MjModelSizes s) => ");
  const char* c = expression;
  while (*c) {
    if (starts_name(*c)) {
      char name[64];
      read_name(&c, name);
      if (strcmp(name, "MJ_M") == 0) {
        continue;  // the parentheses that follow stay, harmlessly
      }
      if (strncmp(name, "mjN", 3) == 0 || strncmp(name, "mjMAX", 5) == 0) {
        printf("MjConstants.%s", name);
      } else {
        printf("s.%s", name);
      }
    } else {
      if (*c != ' ') {
        putchar(*c);
      }
      c++;
    }
  }
}

static void array(const char* type, const char* name, size_t offset, size_t element_size,
                  const char* rows, const char* columns) {
  member();
  printf("    /// <summary><c>%s* %s</c>, <c>%s</c> × <c>%s</c> elements; the pointer is at byte %zu.</summary>\n",
         type, name, rows, columns, offset);
  printf("    public static readonly MjArray %s = new(\"%s\", %zu, \"%s\", %zu,\n        ",
         name, name, offset, type, element_size);
  print_count(rows);
  printf(",\n        ");
  print_count(columns);
  printf(");\n");
}

static void array_if_wanted(const char* const* list, const char* type, const char* name, size_t offset,
                            size_t element_size, const char* rows, const char* columns) {
  if (wanted(name, list)) {
    array(type, name, offset, element_size, rows, columns);
  }
}

//---------------------------------- the file ------------------------------------------------------

int main(void) {
  collect_sizes();
  printf("// <auto-generated>\n");
  printf("//   Written by Sac.Mujoco/Generator/gen_layout.sh from MuJoCo's headers (mjVERSION_HEADER %d):\n",
         mjVERSION_HEADER);
  printf("//   offsetof and sizeof over the X-macro lists of mjxmacro.h, for the fields Sac reads (gen_layout.c's\n");
  printf("//   read lists). Do not edit: regenerate it.\n");
  printf("//   Sac.Tests/Mujoco/LayoutTests checks that the committed file is what the headers give.\n");
  printf("// </auto-generated>\n\n");
  printf("namespace Sac.Mujoco.Native;\n");

  open_class("Sizes and constants of the MuJoCo build the layout was generated from.",
             "internal static class MujocoLayout");
  constant("int", "HeaderVersion", "<c>mjVERSION_HEADER</c>; <c>mj_version()</c> must return this.",
           mjVERSION_HEADER);
  constant("int", "ModelSize", "<c>sizeof(mjModel)</c>.", (long long)sizeof(mjModel));
  constant("int", "DataSize", "<c>sizeof(mjData)</c>.", (long long)sizeof(mjData));
  constant("int", "NumSize", "<c>sizeof(mjtNum)</c>: 8 in a double-precision build.", (long long)sizeof(mjtNum));
  member();
  printf("    /// <summary><c>mjMAXVAL</c>: <c>mju_isBad</c>'s bound on |qpos|, |qvel|, |qacc| and |ctrl|.</summary>\n");
  printf("    public const double MaxValue = %.17g;\n", (double)mjMAXVAL);
  close_class();

  open_class("The <c>mjN*</c> and <c>mjMAX*</c> dimensions Sac reads, or the sizes of the arrays it reads use.",
             "internal static class MjConstants");
  // The candidates; only the listed or needed ones are written.
#define CONSTANT(name)                 \
  if (wanted(#name, constants)) {      \
    constant("int", #name, "<c>" #name "</c>.", name); \
  }
  CONSTANT(mjNEQDATA)
  CONSTANT(mjNDYN)
  CONSTANT(mjNGAIN)
  CONSTANT(mjNBIAS)
  CONSTANT(mjNFLUID)
  CONSTANT(mjNREF)
  CONSTANT(mjNIMP)
  CONSTANT(mjNSOLVER)
  CONSTANT(mjNWARNING)
  CONSTANT(mjNTIMER)
  CONSTANT(mjMAXCONPAIR)
  CONSTANT(mjMAXVFS)
  CONSTANT(mjMAXVFSNAME)
#undef CONSTANT
  close_class();

#define CONSTANT(name) constant("int", #name, "<c>" #name "</c>.", name);

  // The bad-value warnings MujocoEnvironment checks after every mj_step (it loops from BADQPOS to BADCTRL).
  open_class("<c>mjtWarning</c>: indices into <c>mjData.warning</c>.", "internal static class MjWarning");
  CONSTANT(mjWARN_BADQPOS)
  CONSTANT(mjWARN_BADQVEL)
  CONSTANT(mjWARN_BADQACC)
  CONSTANT(mjWARN_BADCTRL)
  close_class();

  // Sac looks bodies up by name (Ant's torso, the camera's tracked body).
  open_class("<c>mjtObj</c>: the object types <c>mj_name2id</c> takes.", "internal static class MjObj");
  CONSTANT(mjOBJ_BODY)
  close_class();

  open_class("<c>mjtGeom</c>: the geom types <c>geom_type</c> holds.", "internal static class MjGeom");
  CONSTANT(mjGEOM_PLANE)
  CONSTANT(mjGEOM_HFIELD)
  CONSTANT(mjGEOM_SPHERE)
  CONSTANT(mjGEOM_CAPSULE)
  CONSTANT(mjGEOM_ELLIPSOID)
  CONSTANT(mjGEOM_CYLINDER)
  CONSTANT(mjGEOM_BOX)
  CONSTANT(mjGEOM_MESH)
#undef CONSTANT
  close_class();

  open_class("Byte offsets in <c>mjWarningStat</c>, one entry of <c>mjData.warning</c>.",
             "internal static class MjWarningStatLayout");
  constant("int", "Size", "<c>sizeof(mjWarningStat)</c>.", (long long)sizeof(mjWarningStat));
  constant("int", "lastinfo", "<c>int lastinfo</c>: the index (dof, actuator) the last warning named.",
           (long long)offsetof(mjWarningStat, lastinfo));
  constant("int", "number", "<c>int number</c>: how many times the warning was raised since the last reset.",
           (long long)offsetof(mjWarningStat, number));
  close_class();

  open_class("Byte offsets in <c>mjVFS</c>, the virtual file system the models are loaded from.",
             "internal static class MjVfsLayout");
  constant("int", "Size", "<c>sizeof(mjVFS)</c>.", (long long)sizeof(mjVFS));
  constant("int", "filedata", "<c>void* filedata[mjMAXVFS]</c>.", (long long)offsetof(mjVFS, filedata));
  close_class();

  open_class("Byte offsets of the int fields of <c>mjModel</c> (MJMODEL_INTS) that Sac reads.",
             "internal static class MjModelInts");
#define X(name)                     \
  if (wanted(#name, model_ints)) {  \
    constant("int", #name, "<c>int " #name "</c>.", (long long)offsetof(mjModel, name)); \
  }
  MJMODEL_INTS
#undef X
  close_class();

  open_class("The int fields of one <c>mjModel</c> that Sac reads (MJMODEL_INTS), read once: the array sizes are written in them.",
             "internal readonly unsafe struct MjModelSizes");
  member();
  printf("    /// <summary>Reads those int fields of the <c>mjModel</c> at <paramref name=\"model\"/>.</summary>\n");
  printf("    public MjModelSizes(nint model)\n    {\n");
#define X(name)                     \
  if (wanted(#name, model_ints)) {  \
    printf("        " #name " = *(int*)(model + MjModelInts." #name ");\n"); \
  }
  MJMODEL_INTS
#undef X
  printf("    }\n");
#define X(name)                     \
  if (wanted(#name, model_ints)) {  \
    member();                       \
    printf("    /// <summary><c>mjModel." #name "</c>.</summary>\n    public int " #name " { get; }\n"); \
  }
  MJMODEL_INTS
#undef X
  close_class();

  open_class("Byte offsets in <c>mjModel</c> of the fields of its <c>mjOption opt</c> that Sac reads (MJOPTION_SCALARS, MJOPTION_VECTORS).",
             "internal static class MjOptionFields");
#define X(type, name)                  \
  if (wanted(#name, option_fields)) {  \
    constant("int", #name, "<c>" #type " opt." #name "</c>.", (long long)offsetof(mjModel, opt.name)); \
  }
  MJOPTION_SCALARS
#undef X
#define X(name, size)                  \
  if (wanted(#name, option_fields)) {  \
    constant("int", #name, "<c>mjtNum opt." #name "[" #size "]</c>.", (long long)offsetof(mjModel, opt.name)); \
  }
  MJOPTION_VECTORS
#undef X
  close_class();

#define X(type, name, rows, columns) \
  array_if_wanted(model_arrays, #type, #name, offsetof(mjModel, name), sizeof(type), #rows, #columns);
  open_class("The array fields of <c>mjModel</c> that Sac reads (MJMODEL_POINTERS).", "internal static class MjModelArrays");
  MJMODEL_POINTERS
  close_class();
#undef X

#define X(type, name, rows, columns) \
  array_if_wanted(data_arrays, #type, #name, offsetof(mjData, name), sizeof(type), #rows, #columns);
  open_class("The array fields of <c>mjData</c> that Sac reads (MJDATA_POINTERS).", "internal static class MjDataArrays");
  MJDATA_POINTERS
  close_class();
#undef X

  open_class("Byte offsets of the scalar fields of <c>mjData</c> that Sac reads (MJDATA_SCALAR).",
             "internal static class MjDataScalars");
#define X(type, name)                 \
  if (wanted(#name, data_scalars)) {  \
    constant("int", #name, "<c>" #type " " #name "</c>.", (long long)offsetof(mjData, name)); \
  }
  MJDATA_SCALAR
#undef X
  close_class();

  open_class("Byte offsets of the fixed-size arrays inside <c>mjData</c> that Sac reads (MJDATA_VECTOR).",
             "internal static class MjDataVectors");
#define X(type, name, rows, columns)  \
  if (wanted(#name, data_vectors)) {  \
    constant("int", #name, "<c>" #type " " #name "[" #rows "]</c>.", (long long)offsetof(mjData, name)); \
  }
  MJDATA_VECTOR
#undef X
  close_class();

  check_all_written();
  return 0;
}
