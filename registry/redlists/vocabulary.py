"""Small multilingual (EN/FR/ES) vocabulary: object types, materials, techniques, places and named periods."""

from __future__ import annotations

# Line format:  kind id [> parent, parent]: term | term@fr | ...
# A term tagged @fr/@en/@es is only recognised in text detected as that language (e.g. French "or" = gold).
CONCEPTS = """
type seal: seal | signet | sceau | cachet | sello | sigilo
type cylinder_seal > seal: cylinder seal | sceau cylindre | cylindre sceau | sceau cylindrique | sello cilindrico | sello cilindro | cylinder
type stamp_seal > seal: stamp seal | stamp | sceau cachet | sello de estampa | sello plano | estampilla
type tablet: tablet | tablette | tablilla | tableta | plaquette d argile
type cone > tablet: cone | cone de fondation | foundation cone | clou de fondation | clavo de fundacion
type prism > tablet: prism | prisme | prisma
type inscription: inscription | inscripcion | inscrit | inscribed | inscrita | inscrito
type figurine: figurine | statuette | figure | rider | horseman | equestrian figure | cavalier | jinete | figure equestre | figura ecuestre | figurita | figurilla | estatuilla | figura | idol | idole | idolo | figurin
type idol > figurine: eye idol | idole aux yeux | idolo oculado
type statue > sculpture: statue | estatua | statua | orant | worshipper | orante
type sculpture: sculpture | escultura | carving | sculpte | esculpido | sculpted
type relief > sculpture: relief | bas relief | haut relief | relieve | bajorrelieve | stele | estela | panel sculpte | frieze | frise | friso
type head > sculpture: head | tete | cabeza
type bust > sculpture: bust | buste | busto | portrait | retrato
type plaque: plaque | placa | plaquette
type vessel: vessel | vase | vaso@es | vasija | recipient | recipiente | pot | pottery vessel | container | jarron | olla | ceramica vessel
type bowl > vessel: bowl | bol | coupe | cuenco | escudilla | plat | plate | dish | cuenca
type jar > vessel: jar | jarre | tinaja | cantaro | amphora | amphore | anfora | pot a couvercle
type jug > vessel: jug | cruche | pichet | jarra | ewer | aiguiere | aguamanil
type bottle > vessel: bottle | bouteille | botella | stirrup spout | anse etrier | asa estribo | double spout | double goulot | doble pico
type flask > vessel: flask | flacon | frasco | unguentarium | unguentaria | ampulla | ampoule | perfume bottle
type cup > vessel: cup | beaker | goblet | gobelet | tasse | copa | vaso@es | taza | kero | quero | keru
type urn > vessel: urn | urne | urna | funerary jar
type albarello > jar: albarello | albarelli | albarelo
type teapot > vessel: teapot | theiere | tetera | coffee pot | cafetiere | cafetera
type coin: coin | monnaie | piece de monnaie | moneda | numismatic | numismatique | numismatica | drachm | drachme | tetradrachm | tetradrachme | dirham | dinar | stater | statere | denarius | denier | denario | obol | obole | fals | fils
type manuscript: manuscript | manuscrit | manuscrito | codex | codice | folio | leaf | feuillet | hoja suelta | page | pagina | handwritten | ecrit a la main | escrito a mano
type book > manuscript: book | livre | libro | quran | coran | koran | corano
type scroll > manuscript: scroll | rouleau | rollo
type mosaic: mosaic | mosaique | mosaico | tesserae | tessera | tesselle | tesela | teselas
type panel: panel | panneau | panel@es | tablero
type lamp: lamp | lampe | lampara | candil | lucerna | oil lamp | lampe a huile | lampara de aceite
type cross: cross | croix | cruz | cruces | crucifix | crucifijo
type censer: censer | encensoir | incensario | thurible
type weight: weight | poids | pesa | balance weight | pesas
type axe: axe | ax | axe head | hache | hacha | adze | herminette | azuela
type pin: pin | epingle | alfiler | aguja
type mask: mask | masque | mascara | masks
type headdress: headdress | cimier | coiffe | tocado | crest | crown mask
type textile: textile | fabric | cloth | weaving | tissu | etoffe | tejido | tela | tapestry | tapisserie | tapiz | shroud | linceul | mortaja
type mantle > textile: mantle | manteau | manto | cloak | mante
type tunic > textile: tunic | tunique | tunica | poncho
type bag > textile: bag | sac | bolsa | chuspa
type fragment: fragment | fragmento | sherd | tesson | tiesto
type jewellery: jewellery | jewelry | bijou | bijoux | joya | joyeria | ornament | ornement | adorno | ornamento | parure
type ear_spool > jewellery: ear spool | ear ornament | earspool | orejera | ornement d oreille | boucle d oreille | earring | pendiente | arete
type nose_ornament > jewellery: nose ornament | nariguera | ornement de nez | nose ring
type crown > jewellery: crown | couronne | corona | diadem | diademe | diadema
type bracelet > jewellery: bracelet | brazalete | pulsera | bangle | armlet
type necklace > jewellery: necklace | collier | collar@es | bead | perle@fr | cuenta | beads | pendant | pendentif | colgante
type painting: painting | peinture | tableau | pintura | cuadro | lienzo pintado | oil on canvas | huile sur toile | oleo sobre lienzo | icon | icone | icono
type bell: bell | cloche | campana | clochette | campanilla
type tile: tile | carreau | azulejo | baldosa | carrelage
type furniture_fitting: furniture fitting | furniture | meuble | mueble | coffret | casket | box | boite | caja | cofre
type furniture: chair | chaise | silla | armchair | fauteuil | sillon | table@en | mesa | sofa | canape | cabinet | armoire | commode | wardrobe | desk | bureau | escritorio | stool | tabouret | taburete
type watch: watch | wristwatch | montre | reloj | clock | horloge | pendule
type poster: poster | affiche | cartel | afiche | print | estampe | grabado | lithograph | lithographie | litografia
type photograph: photograph | photo | photographie | fotografia
type toy: toy | jouet | juguete | doll | poupee | muneca
type garment: dress | robe@fr | vestido | jacket | veste | chaqueta | shirt | chemise | camisa | shoe | chaussure | zapato
type instrument: guitar | guitare | guitarra | violin | violon | piano | radio | camera | appareil photo | camara | typewriter | machine a ecrire | maquina de escribir | telephone | telefono
type vehicle: car | voiture | coche | automovil | bicycle | velo | bicicleta
type weapon: sword | epee | espada | dagger | poignard | punal | rifle | fusil | pistol | pistolet | pistola
type cutlery: spoon | cuillere | cuchara | fork | fourchette | tenedor | knife | couteau | cuchillo | cutlery | cubiertos
type stamp_postal: postage stamp | timbre poste | timbre | sello postal | sello de correos

material stone: stone | pierre | piedra | lithic | lithique | rock | roche | roca
material lapis_lazuli > stone: lapis lazuli | lapis | lapislazuli
material hematite > stone: hematite | hematites
material chalcedony > stone: chalcedony | calcedoine | calcedonia | agate | agata | carnelian | cornaline | cornalina | jasper | jaspe | quartz | cuarzo | rock crystal | cristal de roche | cristal de roca
material steatite > stone: steatite | soapstone | esteatita | pierre a savon | pierre de savon | piedra jabon | stealite
material chlorite > stone: chlorite | clorita
material calcite > stone: calcite | calcita
material alabaster > stone: alabaster | albatre | alabastro
material gypsum > stone: gypsum | gypse | yeso | mosul marble | marbre de mossoul
material limestone > stone: limestone | calcaire | caliza | piedra caliza | pierre calcaire
material basalt > stone: basalt | basalte | basalto | diorite | diorita
material schist > stone: schist | schiste | esquisto | pizarra | phyllite | phyllade
material marble > stone: marble | marbre | marmol
material jade > stone: jade | nephrite | nefrita
material shell: shell | coquillage | coquille | concha | nacre | mother of pearl | spondylus
material clay: clay | argile | arcilla | barro | unbaked clay | argile crue | terre
material terracotta > clay: terracotta | terra cotta | terre cuite | terracota | fired clay | argile cuite | arcilla cocida | barro cocido
material ceramic > clay: ceramic | ceramics | pottery | earthenware | ceramique | poterie | faience | ceramica | alfareria | loza | terre vernissee | stoneware | gres
material fritware > ceramic: fritware | stonepaste | pate siliceuse | pasta siliceous | pasta silicea | frit
material porcelain: porcelain | porcelaine | porcelana | bone china
material glaze: glaze | glazed | glacure | glacure | vernisse | vidriado | esmaltado | lustre | lustreware | reflet metallique | reflejo metalico
material ink: ink | encre | tinta
material metal: metal | metalwork | metallic | metallique | metalico | metaux
material gold > metal: gold | golden | or@fr | dore | oro | gilt | gilded | dorado | feuille d or | gold leaf | pan de oro
material silver > metal: silver | argent | plata | argente | plateado | silvered
material copper > metal: copper | cuivre | cobre | copper alloy | alliage cuivreux | aleacion de cobre | alliage de cuivre | tumbaga
material bronze > copper: bronze | bronce
material brass > copper: brass | laiton | laton
material iron > metal: iron | fer@fr | hierro
material steel > metal: steel | stainless steel | acier | acier inoxydable | acero | acero inoxidable
material aluminium > metal: aluminium | aluminum | aluminio
material glass: glass | verre | vidrio | cristal@es
material ivory: ivory | ivoire | marfil | tusk
material bone: bone | os@fr | hueso | antler | bois de cerf | asta
material wood: wood | wooden | bois@fr | madera | de madera | en bois | timber
material paper: paper | papier | papel | cardboard | carton
material parchment: parchment | vellum | parchemin | velin | pergamino | vitela
material birch_bark: birch bark | ecorce de bouleau | corteza de abedul | bark | ecorce | corteza
material palm_leaf: palm leaf | feuille de palmier | hoja de palma | olla leaf
material cotton > fibre: cotton | coton | algodon
material wool > fibre: wool | laine | lana | woollen | camelid | camelide | camelido | alpaca | vicuna | llama@en
material fibre: fibre | fiber | fibra | raffia | raphia | rafia | plant fibre | fibre vegetale | fibra vegetal | thread | fil@fr | hilo
material feathers: feather | feathers | plume | plumes | pluma | plumas | featherwork | plumaria
material canvas: canvas | toile | lienzo | linen canvas
material oil_paint: oil paint | oil | huile | oleo | a l huile | al oleo
material pigment: pigment | pigments | pigmento | ochre | ocre | kaolin | caolin | paint | painted surface
material stucco: stucco | stuc | estuco | plaster | platre
material resin: resin | resine | resina | mopa mopa | lacquer | laque | laca
material plastic: plastic | plastique | plastico | vinyl | vinilo | nylon | polyester
material leather: leather | cuir | cuero
material silk: silk | soie | seda

technique carved: carved | carving | sculpte | sculptee | taille | tallado | tallada | esculpido | cut
technique engraved: engraved | incised | grave | gravee | incise | incisee | grabado@es | inciso | incisa | incisions | incisiones
technique drilled: drilled | pierced | perce | percee | perfore | perfora | perforado | perforada | bore
technique inscribed: inscribed | inscrit | inscrite | inscrito | inscrita | written | ecrit | escrito
technique cuneiform: cuneiform | cuneiforme | wedge shaped | en forme de coins | en forma de cuna | clou
technique moulded: moulded | molded | mould made | moule | moulee | moldeado | moldeada | en molde | mould
technique modelled: modelled | modeled | hand modelled | modele | modelee | modelado | modelada | a la main | a mano
technique cast: cast | fondu | coule | coulee | fundido | fundida | vaciado
technique lost_wax > cast: lost wax | cire perdue | cera perdida
technique hammered: hammered | martele | martelee | martillado | repousse | repujado | repoussee | embossed
technique struck: struck | minted | frappe | frappee | acunado | acunada
technique painted: painted | peint | peinte | pintado | pintada | polychrome | polychromie | polychromy | policromo | policroma | slip | engobe
technique glazed: glazed | glaze | glacure | emaille | vidriado | vidriada | esmaltado | esmaltada
technique woven: woven | tisse | tissee | tejido | tejida | weaving | tapestry weave | embroidered | brode | brodee | bordado | bordada
technique blown: blown | souffle | soufflee | soplado | soplada | mould blown
technique calligraphy: calligraphy | calligraphie | caligrafia | calligraphic | calligraphique | caligrafico | illuminated | enlumine | iluminado
technique figure_painting > painted: black figure | red figure | figures noires | figures rouges | figuras negras | figuras rojas
technique mosaic_work: tesselated | opus tessellatum
technique inlaid: inlaid | incruste | incrustado | incrustacion | inlay
technique printed: printed | imprime | imprimee | impreso | impresa | offset | screen printed | serigraphie | serigrafia
technique machine_made: machine made | industrial | industriel | industrielle | mass produced | fabrique en serie | fabricado en serie | factory
"""

PLACES = """
place middle_east: middle east | near east | moyen orient | proche orient | oriente medio | oriente proximo | cercano oriente
place iraq > middle_east: iraq | irak | iraqi | irakien | irakienne | iraqui | iraqi | baghdad | bagdad
place mesopotamia > iraq: mesopotamia | mesopotamian | mesopotamie | mesopotamien | mesopotamienne | mesopotamico | mesopotamica | tigris | euphrates | euphrate | eufrates
place sumer > mesopotamia: sumer | sumerian | sumerien | sumerienne | sumerio | sumeria | ur | uruk | lagash | nippur | girsu | tello
place akkad > mesopotamia: akkad | akkadian | akkadien | acadio | acadia
place babylon > mesopotamia: babylon | babylonian | babylone | babylonien | babylonienne | babilonia | babilonio | babilonica
place assyria > mesopotamia: assyria | assyrian | assyrie | assyrien | assyrienne | asiria | asirio | asiria | nineveh | ninive | nimrud | khorsabad | ashur | assur
place persia > middle_east: persia | persian | perse | persan | persa | iran | iranian | iranien | irani | sasanian | sassanide | sasanida | nishapur | nichapur
place syria > middle_east: syria | syrian | syrie | syrien | syrienne | siria | sirio | siria | aleppo | alep | alepo | damascus | damas | damasco | raqqa | rakka | mari | ebla | apamea | apamee
place palmyra > syria: palmyra | palmyre | palmira | palmyrene | palmyrenien | palmyrenienne | palmireno | palmirena
place tell_brak > syria: tell brak | brak
place ugarit > syria: ugarit | ras shamra
place levant > middle_east: levant | levantine | levantin | levante | phoenician | phenicien | fenicio | canaanite | cananeen | cananeo | lebanon | liban | libano
place byzantium > middle_east: byzantium | byzance | bizancio | constantinople
place central_asia: central asia | asie centrale | asia central
place afghanistan > central_asia: afghanistan | afghan | afghane | afgano | afgana | afganistan | kabul | kaboul | herat | ghazni | bamiyan | begram | bagram | hadda
place bactria > afghanistan: indo greek | indo grec | indo grecque | indogriego | indogriega | kushan | kouchan | kushana | bactria | bactrian | bactriane | bactrien | bactrienne | bactriano | bactriana | oxus | bmac | ai khanoum | balkh
place gandhara > afghanistan: gandhara | gandharan | gandharien | gandharienne | gandharico | taxila | swat
place south_asia: south asia | asie du sud | asia del sur | india | inde | indian | indien
place pakistan > south_asia: pakistan | pakistani | pakistanais | paquistan
place africa: africa | afrique | african | africain | africaine | africano | africana
place west_africa > africa: west africa | west african | afrique de l ouest | afrique occidentale | ouest africain | africa occidental | africa del oeste | sahel
place nigeria > west_africa: nigeria | nigerian | nigerian | nigerien | nigeriano | yoruba | igbo | igbo ukwu | ife | ile ife | benin city | edo
place nok > nigeria: nok
place mali > west_africa: mali | malian | malien | malienne | maliense | dogon | bamana | bambara | bamako | tombouctou | timbuktu | tombuctu
place djenne > mali: djenne | jenne | djenne jeno | jenne jeno | niger delta | delta interieur du niger | delta interior del niger | inland niger delta
place niger > west_africa: niger@en | bura | tillaberi
place burkina_faso > west_africa: burkina faso | burkina | burkinabe | mossi | lobi | bobo
place sierra_leone > west_africa: sierra leone | sapi | kissi | nomoli | pomdo | sherbro
place guinea > west_africa: guinea | guinee | guinean | baga
place benin > west_africa: benin | dahomey | fon
place ghana > west_africa: ghana | ghanaian | ashanti | akan | komaland | koma
place cote_divoire > west_africa: cote d ivoire | ivory coast | ivoirien | ivoirienne | marfil costa | costa de marfil | senufo | senoufo | baule | baoule | dan
place americas: americas | amerique | america latina | latin america | amerique latine | latinoamerica
place peru > americas: peru | peruvian | perou | peruvien | peruvienne | peruano | peruana | lima | andes | andean | andin | andine | andino | andina
place cusco > peru: cusco | cuzco
place north_coast_peru > peru: north coast | cote nord | costa norte | trujillo | lambayeque | sipan | chimu | chavin
place south_coast_peru > peru: south coast | cote sud | costa sur | ica | paracas | nazca | nasca | ocucaje
place central_coast_peru > peru: central coast | cote centrale | costa central | chancay | pachacamac | huaura
place moche > north_coast_peru: moche | mochica | mochicas
place mexico > americas: mexico | mexique | mexican | mexicain | mexicano | maya | aztec | azteque | azteca | olmec | olmeque | olmeca
place colombia > americas: colombia | colombie | colombian | colombien | colombiano | muisca | quimbaya | tairona
place europe: europe | european | europeen | europeenne | europa | europeo | europea
place britain > europe: england | english | angleterre | anglais | anglaise | inglaterra | ingles | inglesa | britain | british | britannique | britanico | london | londres | scotland | victorian | victorien | victoriano
place france > europe: france | francia | french | francais | francaise | frances | francesa | paris
place switzerland > europe: switzerland | swiss | suisse | suiza | suizo | geneva | geneve | ginebra
place germany > europe: germany | german | allemagne | allemand | alemania | aleman | alemana
place italy > europe: italy | italian | italie | italien | italienne | italia | italiano | italiana | rome | roma | venice | venise | venecia | murano
place spain > europe: spain | spanish | espagne | espagnol | espana | espanol | espanola | madrid | sevilla | seville
place greece > europe: greece | greek | grece | grec | grecque | grecia | griego | griega | athens | athenes | atenas | attic | attique | atico | corinth | corinthe | corinto | hellenic
place low_countries > europe: flanders | flandre | flandes | flemish | flamand | flamenco | belgium | belgique | belgica | netherlands | pays bas | paises bajos | holland | hollande | holanda | dutch | hollandais | neerlandais | holandes | amsterdam | antwerp | anvers | amberes
place russia > europe: russia | russian | russie | russe | rusia | ruso | rusa | moscow | moscou | moscu | saint petersburg | novgorod
place france_towns > france: limoges | sevres | lyon | rouen | marseille
place east_asia: qing | ming | tang dynasty | song dynasty | han dynasty | edo period | meiji |  china | chinese | chine | chinois | chinoise | chino | china@es | japan | japanese | japon | japonais | japonaise | japones | japonesa | korea | coree | corea
place north_america: united states | usa | etats unis | estados unidos | canada | new york | nueva york
"""

# Named periods and cultures: id, year_from, year_to, terms.
PERIODS = """
-7000 -3000 neolithic | neolithique | neolitico
-3300 -1200 bronze age | age du bronze | edad del bronce
-1200 -550 iron age | age du fer | edad del hierro
-3100 -2000 sumerian | sumerien | sumerienne | sumerio | early dynastic | dynastique archaique
-2350 -2150 akkadian | akkadien | acadio
-2000 -1600 old babylonian | paleo babylonien | paleobabilonico | babilonico antiguo
-900 -600 neo assyrian | neo assyrien | neoasirio | assyrian | assyrien | asirio
-626 -539 neo babylonian | neo babylonien | neobabilonico
-550 -330 achaemenid | achemenide | aqueménida | aquemenida
-330 -30 hellenistic | hellenistique | helenistico | seleucid | seleucide | seleucida
-250 225 parthian | parthe | parto | arsacid
224 651 sasanian | sassanide | sasanida | sassanid
-200 10 indo greek | indo grec | indo grecque | indogriego
30 375 kushan | kouchan | kushana | kouchane
1 700 gandharan | gandharien | gandharico
-27 476 roman | romain | romaine | romano | romana | roman period | epoque romaine | epoca romana
330 1453 byzantine | byzantin | byzantine | bizantino | bizantina
632 1900 islamic | islamique | islamico | islamica
661 750 umayyad | omeyyade | omeya
750 1258 abbasid | abbasside | abasi | abasida
977 1186 ghaznavid | ghaznevide | gaznavida
1171 1260 ayyubid | ayyoubide | ayubi | ayyubi
1250 1517 mamluk | mamelouk | mameluco
500 1500 medieval | moyen age | medievale | edad media
-900 300 nok
1000 1700 djenne | jenne
200 1200 bura
100 800 moche | mochica
-100 700 nazca | nasca
-800 100 paracas
600 1000 wari | huari
900 1470 chimu
1000 1470 chancay
1400 1532 inca | inka | incaique | incaico | incaica
1532 1821 colonial | viceregal | virreinal | vice royaute | viceroyalty
1400 1600 sapi | nomoli | pomdo
1837 1901 victorian | victorien | victorienne | victoriano
1890 1910 art nouveau
1920 1940 art deco
1368 1644 ming
1644 1912 qing
1900 2030 modern | moderne | moderno | moderna | contemporary | contemporain | contemporaine | contemporaneo | contemporanea | industrial | industriel | 20th century
"""
